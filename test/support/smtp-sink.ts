/**
 * A real SMTP server in this process (smtp-server on a loopback socket) that parses every mail it
 * takes (mailparser), for tests of what the server's mailer sends. `refuseWhile` makes it answer
 * 451 ("try again later", as a busy server does) to every sender while it returns true.
 */
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for FOOTFALL_SMTP_URL. */
  url: string;
  /** How many senders it was offered (refused ones included). */
  tries(): number;
  close(): Promise<void>;
}

export async function startSmtpSink(onMail: (mail: ParsedMail) => void, opts: { refuseWhile?: () => boolean } = {}): Promise<SmtpSink> {
  let tries = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onMailFrom(_address, _session, callback) {
      tries++;
      if (opts.refuseWhile?.()) return callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream, { skipImageLinks: true }).then(
        (mail) => {
          onMail(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    tries: () => tries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sets the mailer's env vars for a test file and gives back a function that puts the old values back. */
export function setMailEnv(smtpUrl: string, from = "Footfall <reports@shop.example>"): () => void {
  const saved = { FOOTFALL_SMTP_URL: process.env.FOOTFALL_SMTP_URL, FOOTFALL_MAIL_FROM: process.env.FOOTFALL_MAIL_FROM };
  process.env.FOOTFALL_SMTP_URL = smtpUrl;
  process.env.FOOTFALL_MAIL_FROM = from;
  return () => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
}
