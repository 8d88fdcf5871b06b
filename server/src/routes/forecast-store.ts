/**
 * Trained forecast models kept in the database (migration 23), so that a restarted server answers
 * with the model it had rather than a baseline while it trains again, and a chain's servers take a
 * model one of them trained that night. One row per store and zone (the store's own: zone ''),
 * replaced by each newer training; written once for both adapters as alerts/store.ts does.
 *
 * The body is the model as JSON text (weights, their standardisation, blend and widening: the
 * models package's `ForecastModel`); what it was trained on is kept beside it: the store's time
 * zone, the training cut-off (the retrain hour the window ends at), the weeks of history read and
 * a digest of the training series (its data version), and the body's format.
 */
import type { Query } from "../alerts/store.js";

/** A model as kept: the columns, the body still JSON text (see forecast.ts encodeModel). */
export interface StoredForecastModel {
  store: string;
  /** null: the store's own (its entrances' enters). */
  zone: string | null;
  timeZone: string;
  /** When it was trained (epoch ms): a model trained before the last retrain hour is due again. */
  trainedAt: number;
  /** Start of the first hour not trained on (the last retrain hour before `trainedAt`). */
  cut: number;
  historyWeeks: number;
  /** Digest of the training series (starts, values, special days). */
  dataVersion: string;
  /** The body's format (forecast.ts MODEL_FORMAT): a row of another format is not read. */
  format: number;
  body: string;
  savedAt: number;
}

export interface ForecastModelsStore {
  /** The kept model of a store (zone null) or zone, or null. */
  get(store: string, zone: string | null): Promise<StoredForecastModel | null>;
  /** Keep a model in place of the one kept, unless that one was trained later (two servers of a chain training at once). */
  put(m: StoredForecastModel): Promise<void>;
}

/** Migration 23 for SQLite. */
export const FORECAST_MODELS_SQL = `
  CREATE TABLE forecast_models (
    store TEXT NOT NULL,
    zone TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    trained_at INTEGER NOT NULL,
    cut INTEGER NOT NULL,
    history_weeks INTEGER NOT NULL,
    data_version TEXT NOT NULL,
    format INTEGER NOT NULL,
    body TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (store, zone)
  ) STRICT;
`;

const K = 'text COLLATE "C" NOT NULL';
/** Migration 23 for PostgreSQL. */
export const FORECAST_MODELS_PG_SQL = `
  CREATE TABLE forecast_models (
    store ${K},
    zone ${K},
    time_zone text NOT NULL,
    trained_at bigint NOT NULL,
    cut bigint NOT NULL,
    history_weeks integer NOT NULL,
    data_version text NOT NULL,
    format integer NOT NULL,
    body text NOT NULL,
    saved_at bigint NOT NULL,
    PRIMARY KEY (store, zone)
  );
`;

const COLUMNS = "store, zone, time_zone, trained_at, cut, history_weeks, data_version, format, body, saved_at";

export function forecastModelStore(read: Query, write: Query): ForecastModelsStore {
  return {
    get: async (store, zone) => {
      const [r] = await read(`SELECT ${COLUMNS} FROM forecast_models WHERE store = ? AND zone = ?`, [store, zone ?? ""]);
      if (!r) return null;
      return {
        store: String(r.store),
        zone: r.zone === "" ? null : String(r.zone),
        timeZone: String(r.time_zone),
        trainedAt: Number(r.trained_at),
        cut: Number(r.cut),
        historyWeeks: Number(r.history_weeks),
        dataVersion: String(r.data_version),
        format: Number(r.format),
        body: String(r.body),
        savedAt: Number(r.saved_at),
      };
    },
    put: async (m) => {
      await write(
        `INSERT INTO forecast_models (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (store, zone) DO UPDATE SET time_zone = excluded.time_zone, trained_at = excluded.trained_at, cut = excluded.cut,
             history_weeks = excluded.history_weeks, data_version = excluded.data_version, format = excluded.format, body = excluded.body, saved_at = excluded.saved_at
           WHERE forecast_models.trained_at <= excluded.trained_at`,
        [m.store, m.zone ?? "", m.timeZone, m.trainedAt, m.cut, m.historyWeeks, m.dataVersion, m.format, m.body, m.savedAt],
      );
    },
  };
}

/** The body's format: raise it when the models package's `ForecastModel` changes shape (rows of another format are trained again). */
export const MODEL_FORMAT = 1;

// JSON has no NaN or infinity (a validation error with no row is NaN): kept as these strings.
const NON_FINITE = "\u0000non-finite:";

/** A model as JSON text, non-finite numbers kept. */
export function encodeModel(model: unknown): string {
  return JSON.stringify(model, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? `${NON_FINITE}${v}` : v));
}

/** JSON text of `encodeModel` back into the model it was (non-finite numbers back as numbers). */
export function decodeModel<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === "string" && v.startsWith(NON_FINITE) ? Number(v.slice(NON_FINITE.length)) : v)) as T;
}
