// The loss names are core's (one reading for the CLI and the widgets).
export { trainLoss as trainLossOf, valLoss as valLossOf, valLossKey } from '@trainwire/core';
