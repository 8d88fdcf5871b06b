/**
 * Chain (issue 15): every store the token may see, side by side, against the previous period and
 * the same weekdays a year before, with occupancy now and agent health; a group filter and group
 * totals; a click on a store opens its heatmap on the same period. Figures are the per-store views' (the server's
 * GET /api/v1/overview answers them from the same aggregates). Ranges are days in the browser's
 * time zone (stores may lie in several); a range that reaches today ends with the current hour.
 */
import { useMemo, useState } from "react";
import type { ViewProps } from "../App.js";
import { createChainApi, type Figures, type OverviewStore, type OverviewTotals } from "../api/chain.js";
import { useQ } from "../hooks/useQ.js";
import { useNow } from "../hooks/useNow.js";
import { useServerNow } from "../hooks/useServerNow.js";
import { beginsNote } from "../model/figures-begin.js";
import {
  chainRange,
  figureAbout,
  figureChange,
  filterStores,
  FIGURES,
  formatFigure,
  HOUR,
  leftOutWords,
  linkedRange,
  likeForLikeLine,
  nextSort,
  notLikeForLike,
  outageNote,
  closedNote,
  groupsShown,
  partialNote,
  storeNothingCounted,
  partialTotalNote,
  sortOf,
  sortParams,
  sortStores,
  storeRangeParams,
  totalsLikeForLike,
  type Earlier,
  type FigureId,
  type History,
  type SortKey,
} from "../model/chain.js";
import { formatCount, formatRange, formatTime } from "../model/format.js";
import { dayOf, PRESETS, type Preset } from "../model/range.js";
import { conversionSince } from "../model/sales.js";
import { openingOutlook } from "../model/forecast.js";
import { formatHash, withParams } from "../model/route.js";
import { canSee } from "../model/auth.js";
import { useSession } from "../session.js";
import { Empty, ErrorState, Loading, Segmented } from "../components/States.js";
import { downloadText } from "../components/download.js";
import { chainCsv } from "../model/exports.js";
import "../styles/analytics.css";
import "../styles/chain.css";
import { nameShown } from "../model/names.js";

const REFRESH_MS = 60_000;
const CHAIN_PRESETS = PRESETS.filter((p) => p.id !== "custom") as readonly { id: Exclude<Preset, "custom">; label: string }[];
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** "Closed now · opens at 08:00 CET" under a store's people now while it is closed by its opening hours (the tablet's words), in its time zone. */
function ClosedNow({ store, now }: { store: OverviewStore; now: number }) {
  const outlook = openingOutlook(store.open, now, store.timezone, 24 * HOUR, true);
  if (!outlook?.closedNow) return null;
  return (
    <div className="muted small" data-testid={`chain-closed-${store.id}`}>
      {outlook.text}
    </div>
  );
}

/** "Partial: Bakery not counted since 16:52 CET" under a store's people now while a zone of its total is not counted (its camera offline). */
function PartialNow({ store }: { store: OverviewStore }) {
  // Since when against the server's day in the store's zone: "since Fri 16:52 CET" when it began before today.
  const note = partialNote(store, useServerNow(60_000));
  if (!note) return null;
  return (
    <div className="muted small chain-partial" data-testid={`chain-partial-${store.id}`}>
      {note}
    </div>
  );
}

/** A change as an arrow and a percentage (conversion: percentage points), coloured (up is good for every figure shown). */
function Change({
  id,
  now,
  before,
  label,
  notComparable = null,
  note = null,
  word = "new",
  after = null,
}: {
  id: FigureId;
  now: number | null;
  before: number | null;
  label: string;
  notComparable?: string | null;
  note?: string | null;
  word?: string;
  after?: string | null;
}) {
  // Not like-for-like: the earlier period is partial (or empty) for this store, so no % at all.
  if (notComparable !== null) {
    return (
      <span className="chg muted" data-change={word === "no data" ? "no-data" : word === "not counted" ? "outage" : "new"} title={notComparable}>
        — {word} <span className="muted">{label}</span>
        {after && <span className="muted"> {after}</span>}
      </span>
    );
  }
  const c = figureChange(id, now, before);
  if (c === null) {
    const period = label === "prev" ? "the previous period" : "the same weekdays last year";
    return (
      <span className="chg muted" title={`Nothing to compare with in ${period} (no figure, or 0)`}>
        – {label}
      </span>
    );
  }
  const { dir, text } = c;
  return (
    <span className={`chg ${dir}`} data-change={dir} title={`${text} ${label}${note ? ` (${note})` : ""}`}>
      {dir === "up" ? "▲" : dir === "down" ? "▼" : "▶"} {text} <span className="muted">{label}</span>
    </span>
  );
}

/** The title of a figure the API gives as null for want of data (not 0): no figures yet, or no till feed yet. */
const NO_FIGURES = "No data: the store's figures begin later";
const NO_TILL_FEED = "No data: no sale is recorded up to the end of this period (the store's till feed begins later, or not yet)";

/**
 * Why a figure is "–": no data (the store's figures, or its till feed, begin after the period: the
 * API's null enters or transactions, not 0), visitors that only door counters counted (they cannot
 * tell people apart), no sale recorded, amounts in several currencies (totals), or nothing to take it from.
 */
function missingWhy(id: FigureId, f: Compared): string | undefined {
  const figures = f.figures;
  if (figures[id] !== null) return undefined;
  const currencies = f.currencies ?? [];
  if (id === "averageBasket" && currencies.length > 1) return `These stores sell in ${listOf(currencies)}: amounts in different currencies are not added up`;
  if (figures.enters === null) return NO_FIGURES;
  switch (id) {
    case "visitors":
      return "Only door counters count people in here: they cannot tell visitors apart";
    case "conversion":
      if (figures.transactions === null) return NO_TILL_FEED;
      return figures.enters === 0 ? "No enters" : "No sale recorded in this period: the store's sales are not imported (yet)";
    case "averageBasket":
      return figures.transactions === null ? NO_TILL_FEED : "No sale recorded in this period";
    case "dwellMedianS":
      return "No visit was followed to its end";
    default:
      return "No figure";
  }
}

/**
 * Under the "–" of visitors that only door counters counted (a chain simulator's stores, a store
 * without cameras: the documented rule, a door counter cannot tell people apart), why, on the page
 * too: its title alone is never seen on a tablet.
 */
function DoorCountersOnly({ id, figures }: { id: FigureId; figures: Figures }) {
  if (id !== "visitors" || figures.visitors !== null || figures.enters === null) return null;
  return <div className="muted small" data-testid="visitors-door-only">door counters only</div>;
}

/**
 * Under a total's "–" average basket whose stores sell in several currencies (the API's `currencies`),
 * why, on the page too: the title alone is never seen on a tablet, and a "–" beside each store's
 * basket read as a figure missing.
 */
function MixedCurrencies({ id, f }: { id: FigureId; f: Compared }) {
  const currencies = f.currencies ?? [];
  if (id !== "averageBasket" || f.figures.averageBasket !== null || currencies.length < 2) return null;
  return (
    <div className="muted small" data-testid="basket-currencies">
      {listOf(currencies)}: not added up
    </div>
  );
}

/**
 * Under a total's visitors that leave out stores whose visitors only door counters count (the API's
 * `visitorsLeftOut`): how many, so that the sum is not read as every store's. Their enters are in Enters.
 */
function VisitorsLeftOut({ id, totals }: { id: FigureId; totals: OverviewTotals | undefined }) {
  const n = totals?.visitorsLeftOut ?? 0;
  if (id !== "visitors" || !totals || totals.figures.visitors === null || n <= 0) return null;
  return (
    <div className="muted small" data-testid="visitors-left-out" title={VISITORS_LEFT_OUT_TITLE}>
      without {formatCount(n)} door-counter-only {n === 1 ? "store" : "stores"}
    </div>
  );
}
const VISITORS_LEFT_OUT_TITLE = "Visitors of the stores that follow people; stores whose entrance only door counters count are left out (a door counter cannot tell visitors apart): their enters are in Enters";

/** A store's or a group's figures, with its currency (a store's layout's; a group's one, null when mixed) and a group's currencies. */
type Compared = { figures: Figures; previous: Figures; lastYear: Figures; currency: string | null; currencies?: string[] };

const listOf = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}` : (xs[0] ?? ""));

/** The earlier periods' spans (the overview's previous and lastYear). */
type Periods = Record<Earlier, { from: number; to: number }>;

const EARLIER: readonly { key: Earlier; label: string }[] = [
  { key: "previous", label: "prev" },
  { key: "lastYear", label: "LY" },
];

/**
 * A figure's changes against the previous period and last year, like-for-like: a store not counted
 * through the whole earlier period shows "new" (`store`); a total's change is over the stores that
 * were (its likeForLike). None for a figure that is not there (nothing to compare).
 */
function Comparisons({ id, f, store, totals, periods, history = null }: { id: FigureId; f: Compared; store?: OverviewStore; totals?: OverviewTotals; periods?: Periods; history?: History }) {
  if (f.figures[id] === null) return null;
  return (
    <div className="cmp">
      {EARLIER.map(({ key, label }) => {
        if (store) {
          const out = leftOutWords(store, key, history);
          return (
            <Change
              key={key}
              id={id}
              now={f.figures[id]}
              before={f[key][id]}
              label={label}
              notComparable={notLikeForLike(store, key, store.timezone, periods?.[key] ?? null, history)}
              word={out?.word ?? "new"}
              after={out?.after ?? null}
            />
          );
        }
        if (totals) {
          const l = totalsLikeForLike(totals, key);
          const none = totals.likeForLike[key].stores === 0 ? `No store was counted through the whole of ${key === "previous" ? "the previous period" : "the same weekdays last year"}: like-for-like there is nothing to compare with` : null;
          return <Change key={key} id={id} now={l.now[id]} before={l.before[id]} label={label} notComparable={none} note={l.note} word="" />;
        }
        return <Change key={key} id={id} now={f.figures[id]} before={f[key][id]} label={label} />;
      })}
    </div>
  );
}

/**
 * `since`: where a store's sales begin when its figures begin inside the range ("since Sat, 28 Nov 2026"), said under its conversion;
 * `range`: the overview's, under a store's enters "Figures begin Sun 6 Dec, 18:00 CET" when they begin inside it.
 */
function FigureCell({
  id,
  f,
  since = null,
  store,
  totals,
  periods,
  range,
  history = null,
}: {
  id: FigureId;
  f: Compared;
  since?: string | null;
  store?: OverviewStore;
  totals?: OverviewTotals;
  periods?: Periods;
  range?: { from: number; to: number };
  history?: History;
}) {
  const note = id === "conversion" && f.figures.conversion !== null ? since : null;
  const begins = id === "enters" && store && range ? beginsNote(store, range) : null;
  return (
    <td className="num" data-figure={id} title={missingWhy(id, f) ?? (note ? `Sales counted ${note}, when the store's figures begin` : undefined)}>
      <div className="v">{formatFigure(id, f.figures[id], f.currency)}</div>
      {note && <div className="muted small" data-testid="conversion-since">{note}</div>}
      <DoorCountersOnly id={id} figures={f.figures} />
      <MixedCurrencies id={id} f={f} />
      {id === "enters" && store && closedNote(store) && (
        <div className="muted small" data-testid="closed-note" title="Closed the whole of this period by the store's opening hours (its exceptions included): its figures are a closed store's">
          {closedNote(store)}
        </div>
      )}
      {id === "enters" && store && outageNote(store) && (
        <div className="warn-text small" data-testid="outage-note">
          {outageNote(store)}
        </div>
      )}
      {begins && (
        <div className="muted small" data-testid="begins-note" title={begins.title}>
          {begins.text}
        </div>
      )}
      <VisitorsLeftOut id={id} totals={totals} />
      <Comparisons id={id} f={f} store={store} totals={totals} periods={periods} history={history} />
    </td>
  );
}

/**
 * Under a store's agent health: how many of its agents need attention by the Agents view's rule
 * (offline, never seen, silent, events late, clock off, backlog), a link to the Agents view's All stores
 * showing that store's only (`?scope=all&problems=1&only=`) for those who may open it.
 */
function AgentsAttention({ store, n, link }: { store: string; n: number; link: boolean }) {
  if (n <= 0) return null;
  const text = `${formatCount(n)} need${n === 1 ? "s" : ""} attention`;
  const title = "Agents offline, never seen, silent (online but not heard from), with events late, a clock off or a backlog: the Agents view says which and why";
  return (
    <div className="small" data-testid={`agents-attention-${store}`}>
      {link ? (
        <a
          className="warn-text strong"
          href={formatHash({ view: "agents", store, params: { scope: "all", problems: "1", only: store } })}
          title={title}
          onClick={(e) => e.stopPropagation()}
          onKeyDown={(e) => e.stopPropagation()}
        >
          {text}
        </a>
      ) : (
        <span className="warn-text strong" title={title}>{text}</span>
      )}
    </div>
  );
}

const HEALTH_LABEL = { ok: "All online", degraded: "Some offline", offline: "Offline", none: "No agents" } as const;

export default function ChainView({ route, navigate }: ViewProps) {
  const { api, me } = useSession();
  const mayOpenAgents = canSee(me.role, "agents");
  const chain = useMemo(() => createChainApi(api.token), [api.token]);
  const now = useNow(REFRESH_MS);
  const timeZone = browserZone();
  const preset = (CHAIN_PRESETS.some((p) => p.id === route.params.range) ? route.params.range : "last7") as Exclude<Preset, "custom">;
  const group = route.params.group ?? "";
  const [text, setText] = useState("");
  const sort = useMemo(() => sortOf({ sort: route.params.sort, order: route.params.order }), [route.params.sort, route.params.order]);

  // The hours a link gave (a digest's: its day or week, in epoch ms; a pasted link's days, as the Report takes them), else the preset's.
  const linked = useMemo(() => linkedRange({ from: route.params.from ?? "", to: route.params.to ?? "" }, timeZone, now), [route.params.from, route.params.to, timeZone, now]);
  // Whole hours, as the overview answers: a range reaching now ends with the current hour.
  const range = useMemo(() => linked ?? chainRange(preset, now, timeZone), [linked, preset, now, timeZone]);
  // A range that includes today runs: its figures (and the CSV's range_to) end now, not at the end of the hour
  // asked for. (In an hour's first minute the hour asked for ends before now: its figures end there.)
  const running = linked ? linked.to > now : preset !== "yesterday";
  const figuresEnd = Math.min(range.to, now);
  const groups = useQ(["groups"], (signal) => chain.groups(signal));
  // A link or bookmark to a group since deleted (or one this token does not see): say so and offer every store, not the API's 404.
  const unknownGroup = group !== "" && groups.data !== undefined && !groups.data.some((g) => g.id === group);
  const overview = useQ(["overview", range.from, range.to, group], (signal) => chain.overview({ ...range, group: group || undefined }, signal), {
    refetchInterval: REFRESH_MS,
    enabled: !unknownGroup,
  });

  const set = (changes: Record<string, string | null>) => navigate(withParams(route, changes), true);
  const rows = useMemo(() => sortStores(filterStores(overview.data?.stores ?? [], text), sort), [overview.data, text, sort]);
  const header = (key: SortKey, label: string, className = "", title?: string) => (
    <th className={className} title={title} aria-sort={sort.key === key ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button className="sort" data-sort={key} onClick={() => set(sortParams(nextSort(sort, key)))}>
        {label}
        {sort.key === key ? (sort.dir === "asc" ? " ↑" : " ↓") : ""}
      </button>
    </th>
  );
  // The store opens on the period its row showed, not on today: the preset of the same name, or the row's hours for a store in another zone.
  const open = (s: OverviewStore) => navigate({ view: "heatmap", store: s.id, params: linked ? { from: String(linked.from), to: String(linked.to) } : storeRangeParams(preset, now, timeZone, s.timezone) });
  // The table as it is shown (sorted, filtered), over the view's range.
  const exportCsv = () => {
    const data = overview.data;
    // The totals the screen shows: the chain's (or the group's) and, without a group picked, each group's.
    const csv = chainCsv(rows, { ...range, timeZone, now }, data ? { totals: data.totals, groups: group ? [] : data.groups, history: data.history } : undefined);
    downloadText(`footfall-chain${group ? `-${group}` : ""}-${dayOf(range.from, timeZone)}_${dayOf(range.to - 1, timeZone)}.csv`, csv, "text/csv;charset=utf-8");
  };

  return (
    <div className="page" data-testid="chain">
      <div className="page-h">
        <h1>Chain</h1>
        <span className="sub" data-testid="chain-range">
          {formatRange(range, timeZone, { open: running })}
          {running ? ` so far, to ${formatTime(figuresEnd, timeZone)}` : ""} · days in {timeZone} · compared with the previous period and the same weekdays last year
        </span>
      </div>
      <div className="row toolbar">
        <Segmented label="Date range" value={(linked ? "" : preset) as typeof preset} options={CHAIN_PRESETS} onChange={(p) => set({ range: p, from: null, to: null })} />
        <label className="row" style={{ gap: 6 }}>
          <span className="muted">Group</span>
          <select className="field" aria-label="Group" data-testid="group-filter" value={group} onChange={(e) => set({ group: e.target.value || null })}>
            <option value="">All stores</option>
            {(groups.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {nameShown(g.name)}
                {g.kind ? ` (${nameShown(g.kind)})` : ""}
              </option>
            ))}
          </select>
        </label>
        <input className="field" type="search" placeholder="Filter stores" aria-label="Filter stores" value={text} onChange={(e) => setText(e.target.value)} />
        <button className="btn" onClick={exportCsv} disabled={rows.length === 0} data-testid="chain-export" title="The stores listed, as sorted and filtered here, with the previous period's and last year's figures, whether each is compared like-for-like, and the totals shown here">
          Export CSV
        </button>
      </div>
      {unknownGroup ? (
        <Empty
          icon="alert"
          title={`No group “${group}”`}
          action={
            <button className="btn" data-testid="chain-all-stores" onClick={() => set({ group: null })}>
              Show every store
            </button>
          }
        >
          The link names a store group that was deleted, or whose stores your token may not see. Pick a group above, or show every store.
        </Empty>
      ) : overview.status === "error" && !overview.data ? (
        <ErrorState error={overview.error} onRetry={overview.reload} />
      ) : !overview.data ? (
        <Loading label="Loading every store…" />
      ) : overview.data.stores.length === 0 ? (
        <Empty icon="chart" title="No stores here">
          {group ? "This group has no store you may see." : "No store has a layout yet."}
        </Empty>
      ) : (
        <>
          <Totals totals={overview.data.totals} stores={overview.data.stores} />
          <div className="card">
            <table className="table chain-table" data-testid="chain-table">
              <thead>
                <tr>
                  {header("name", "Store")}
                  {FIGURES.map((f) => header(f.id, f.label, "num", figureAbout(f.id)))}
                  {header("occupancy", "In store now", "num")}
                  {header("health", "Agents")}
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id} data-store={s.id} className="clickable" onClick={() => open(s)} tabIndex={0} onKeyDown={(e) => e.key === "Enter" && open(s)} title={`Open ${nameShown(s.name)}`}>
                    <td>
                      <div className="store-name">{nameShown(s.name)}</div>
                      <div className="muted small" data-testid="store-groups">{s.groups.length ? groupsShown(s.groups, groups.data) : s.id}</div>
                    </td>
                    {FIGURES.map((f) => (
                      <FigureCell key={f.id} id={f.id} f={s} store={s} periods={overview.data!} range={overview.data!.range} history={overview.data!.history} since={s.since === null ? null : conversionSince(s.since, overview.data!.range, s.timezone)} />
                    ))}
                    <td className="num" data-figure="occupancy" title={s.occupancyFrom === "door" ? "door counters' net count (in minus out) since local midnight, or since the last closing for a store with opening hours" : "people followed in zones"}>
                      {storeNothingCounted(s) ? (
                        <span className="muted" data-testid={`chain-occupancy-before-${s.id}`} title="Nothing is counted now: this is the count from before, not people in the store now">
                          {formatCount(s.occupancy)}
                        </span>
                      ) : (
                        formatCount(s.occupancy)
                      )}
                      <PartialNow store={s} />
                      <ClosedNow store={s} now={now} />
                    </td>
                    <td>
                      <span className={`health ${s.agents.health}`} data-health={s.agents.health}>
                        {HEALTH_LABEL[s.agents.health]}
                      </span>
                      {s.agents.agents > 0 && <span className="muted small"> {s.agents.online}/{s.agents.agents}</span>}
                      <AgentsAttention store={s.id} n={s.agents.problems ?? 0} link={mayOpenAgents} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && <p className="muted" style={{ padding: 12 }}>No store matches “{text}”.</p>}
          </div>
          {!group && overview.data.groups.length > 0 && (
            <div className="card">
              <h2 className="card-h">Groups</h2>
              <table className="table chain-table" data-testid="group-totals">
                <thead>
                  <tr>
                    <th>Group</th>
                    {FIGURES.map((f) => (
                      <th key={f.id} className="num" title={figureAbout(f.id)}>
                        {f.label}
                      </th>
                    ))}
                    <th className="num">In store now</th>
                  </tr>
                </thead>
                <tbody>
                  {overview.data.groups.map((g) => (
                    <tr key={g.id} data-group={g.id} className="clickable" onClick={() => set({ group: g.id })}>
                      <td>
                        <div className="store-name">{nameShown(g.name)}</div>
                        <div className="muted small">{formatCount(g.stores)} {g.stores === 1 ? "store" : "stores"}</div>
                        {likeForLikeLine(g) && (
                          <div className="muted small" data-testid="group-lfl">
                            {likeForLikeLine(g)}
                          </div>
                        )}
                      </td>
                      {FIGURES.map((f) => (
                        <FigureCell key={f.id} id={f.id} f={g} totals={g} />
                      ))}
                      <td className="num">{formatCount(g.occupancy)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

function Totals({ totals, stores }: { totals: OverviewTotals; stores: readonly OverviewStore[] }) {
  const lfl = likeForLikeLine(totals);
  // A store nothing counts now by name, as its row says it; the stores counted in part: "partial: 2 stores".
  const partial = partialTotalNote(totals, stores, useServerNow(60_000));
  return (
    <div className="stats card card-b" data-testid="chain-totals">
      <div className="stat">
        <div className="v">{formatCount(totals.stores)}</div>
        <div className="k">{nameShown(totals.name)}</div>
        {lfl && (
          <div className="muted small" data-testid="chain-lfl" title="Each change is over the stores counted through the whole of both periods; the totals themselves are every store's">
            {lfl}
          </div>
        )}
      </div>
      {FIGURES.map((f) => (
        <div className="stat" key={f.id} data-total={f.id} title={missingWhy(f.id, totals)}>
          <div className="v">{formatFigure(f.id, totals.figures[f.id], totals.currency)}</div>
          <DoorCountersOnly id={f.id} figures={totals.figures} />
          <MixedCurrencies id={f.id} f={totals} />
          <VisitorsLeftOut id={f.id} totals={totals} />
          <div className="k" title={figureAbout(f.id)}>
            {f.label}
          </div>
          <Comparisons id={f.id} f={totals} totals={totals} />
        </div>
      ))}
      <div className="stat">
        <div className="v">{formatCount(totals.occupancy)}</div>
        <div className="k">in store now</div>
        {partial && (
          <div className="muted small" data-testid="chain-total-partial">
            {partial}
          </div>
        )}
      </div>
    </div>
  );
}
