import { isAlive, RELAY_ALIVE_MAX_AGE_MS } from "./health.js";

/** The container's health check command: exit 0 when the liveness mark is fresh, 1 otherwise. */
if (isAlive()) process.exit(0);
process.stderr.write(`relay unhealthy: no liveness mark in the last ${RELAY_ALIVE_MAX_AGE_MS / 1000} s\n`);
process.exit(1);
