// writeFileAtomic lives in src/write-file.ts (shared by the CLI, the report and the study); re-exported here.
export { writeFileAtomic } from '../write-file.js';
