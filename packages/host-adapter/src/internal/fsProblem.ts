// The words for a file-system error are core's (one reading for every view).
export { describeFsError as fsProblem } from '@trainwire/core';
