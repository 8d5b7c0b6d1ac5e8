/** The PAY.JP v1 compatible HTTP facade: server, keys, webhooks and the `kessai serve` command. */
export { KeyRing, parseMerchants, randomMerchant, type Authenticated, type KeyKind, type Merchant, type MerchantConfig, type WebhookEndpointConfig } from './auth.js';
export { jsonLinesSink, redact, silentSink, type LogLine, type LogSink } from './log.js';
export { createHttpApi, type HttpApiOptions, type KessaiHttpApi } from './server.js';
export { WebhookReactor, type WebhookLease, type WebhookOptions } from './webhooks.js';
export {
  pendingCount,
  readModelDeliveryState,
  type DeliveryRecord,
  type DeliveryStateStore,
  type DeliveryStatus,
  type EndpointDelivery,
} from './delivery-state.js';
export { OffsetClock, parseWindow, startServer, type RunningServer, type ServeOptions } from './serve.js';
export { registerServeCommand } from './cli.js';
