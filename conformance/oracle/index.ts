// Upstream's own answers for conformance testing: see go/oracle/README.md.
export { ensureOracle, oracleCacheRoot, oracleModfile, oracleSourceHash, ORACLE_APISERVER_VERSION, ORACLE_SOURCE_DIR } from './build.js';
export { Oracle, OraclePolicyRejected } from './client.js';
export type * from './protocol.js';
