/** The propagation paths of the 2017-06-07 incident (reference/INCIDENT.md), with the API calls of each. */
export const incidentPaths = [
  { path: 1, title: 'Token', calls: ['GET /v1/tokens/{token}'], field: 'card.cvc_check' },
  { path: 2, title: 'Customer created with the token', calls: ['POST /v1/customers'], field: 'cards.data[0].cvc_check' },
  { path: 3, title: 'Card added to a customer with the token', calls: ['POST /v1/customers/{customer}/cards'], field: 'cvc_check' },
  { path: 4, title: 'Customer list', calls: ['GET /v1/customers'], field: 'data[*].cards.data[*].cvc_check' },
  { path: 5, title: 'Customer retrieve and update', calls: ['GET /v1/customers/{customer}', 'POST /v1/customers/{customer}'], field: 'cards.data[*].cvc_check' },
  { path: 6, title: "Customer's card list", calls: ['GET /v1/customers/{customer}/cards'], field: 'data[*].cvc_check' },
  { path: 7, title: 'Card retrieve and update', calls: ['GET /v1/customers/{customer}/cards/{card}', 'POST /v1/customers/{customer}/cards/{card}'], field: 'cvc_check' },
  { path: 8, title: 'Charge with the token', calls: ['POST /v1/charges (card=token)'], field: 'card.cvc_check' },
  { path: 9, title: 'Charge of the customer', calls: ['POST /v1/charges (customer=customer)'], field: 'card.cvc_check' },
  { path: 10, title: 'Charge retrieve, update, refund, reauth, capture', calls: ['GET /v1/charges/{charge}', 'POST /v1/charges/{charge}', 'POST /v1/charges/{charge}/refund', 'POST /v1/charges/{charge}/reauth', 'POST /v1/charges/{charge}/capture'], field: 'card.cvc_check' },
  { path: 11, title: 'Charge list', calls: ['GET /v1/charges'], field: 'data[*].card.cvc_check' },
  { path: 12, title: 'Events and webhooks', calls: ['GET /v1/events/{event}', 'GET /v1/events', 'webhook POST'], field: 'data…cvc_check' },
] as const;

export type IncidentPath = (typeof incidentPaths)[number]['path'];
