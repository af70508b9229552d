/**
 * ZeroMQ in both directions for trainwire: feeds SLEAP's LossViewer and other viewers of
 * sleap-nn's `ProgressReporterZMQ` format without a change on their side, reads progress
 * from any trainer that speaks that format, and lets trainwire's own trainer speak it.
 *
 * @packageDocumentation
 */

export {
  createProgressPublisher,
  type ProgressPublisher,
  type ProgressPublisherOptions,
  type ProgressPublisherStats,
} from './createProgressPublisher.js';
export {
  createTrainerReader,
  type TrainerReader,
  type TrainerReaderOptions,
  type TrainerReaderStats,
} from './createTrainerReader.js';
export {
  createViewerFeed,
  type ViewerFeed,
  type ViewerFeedOptions,
  type ViewerFeedSession,
  type ViewerFeedStats,
} from './createViewerFeed.js';
export {
  BadAddressError,
  BindFailedError,
  BridgeClosedError,
  BridgeZmqError,
  type BridgeZmqErrorCode,
  PortInUseError,
} from './errors.js';
export { checkEndpoint, EndpointSchema } from './internal/endpoint.js';
export { parsePythonJson } from './parsePythonJson.js';
export { stringifyPythonJson } from './stringifyPythonJson.js';
export type { TrainerMessage } from './TrainerMessage.js';
