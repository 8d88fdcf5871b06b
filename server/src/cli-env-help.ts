/** The environment `footfall --help` lists: the settings most often set, the rest in README.md, "Configuration". */
export const ENV_HELP = `
Environment:
  FOOTFALL_HTTP_PORT         HTTP port (8080)
  FOOTFALL_HTTP_HOST         address the HTTP server listens on (0.0.0.0)
  FOOTFALL_METRICS_PORT      port of the Prometheus listener, GET /metrics (9464; "off" for none)
  FOOTFALL_METRICS_HOST      its address (127.0.0.1: this machine only)
  FOOTFALL_MQTT_PORT         port of the embedded MQTT broker (1883)
  FOOTFALL_MQTT_HOST         its address (0.0.0.0; 127.0.0.1: agents on this machine only)
  FOOTFALL_MQTT_URL          an external broker, e.g. mqtt://mosquitto:1883; then none is embedded
  FOOTFALL_MQTT_USERNAME     the server's user on the external broker
  FOOTFALL_MQTT_PASSWORD     its password
  FOOTFALL_DATA_DIR          where the SQLite database lives (./data)
  FOOTFALL_DATABASE_URL      PostgreSQL instead of SQLite, e.g. postgres://footfall:secret@db:5432/footfall;
                             with FOOTFALL_MQTT_URL too, servers on one database share the stores (a chain)
  FOOTFALL_SHARDS            shards of a chain's stores, the same on every server (64)
  FOOTFALL_PG_INGEST_NICE    PostgreSQL: nice value (1-19) of the backends committing the ingest, so queries
                             come first and commits lag when the CPU is short (0: off; needs the prioritize
                             extension, postgresql-NN-prioritize)
  FOOTFALL_SERVER_ID         this server's id in a chain (host name, pid and a random suffix)
  FOOTFALL_VISIT_TIMEOUT_MS  silence that abandons a visit and ends a trip (1800000)
  FOOTFALL_MAX_EVENT_AGE_MS  older events are rejected (604800000, 7 days)
  FOOTFALL_RETENTION_DAYS    days raw events are kept; aggregates stay (90; 0: for ever)
  FOOTFALL_AGGREGATE_RETENTION_DAYS  days hour and day aggregates are kept (0: for ever)
  FOOTFALL_LOG_LEVEL         trace, debug, info, warn, error, fatal, silent (info)

Every setting (durability, retention of the audit log, digests' mail server, webhooks, forecasts, a chain's
tuning) with its default: README.md, "Configuration".`;
