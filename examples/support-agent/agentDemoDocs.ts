/** One support document the example agent can search. */
export interface AgentDoc {
  readonly docId: string;
  readonly title: string;
  readonly body: string;
}

/**
 * The help-centre pages `AgentWorkspace.seedDemo` loads: a small online shop's support
 * policies, enough for the example agent to find the refund rules before it acts.
 */
export const AGENT_DEMO_DOCS: readonly AgentDoc[] = [
  {
    docId: 'refund-policy',
    title: 'Refund policy',
    body:
      'Orders can be refunded within 30 days of delivery. Refunds up to 100 USD may be issued by a support ' +
      'agent; larger refunds need approval from a support lead. Refunds go back to the original payment method.',
  },
  {
    docId: 'damaged-items',
    title: 'Damaged or defective items',
    body:
      'If an item arrives damaged, ask the customer for a photo, then offer a replacement or a full refund. ' +
      'Record the case in a note so the warehouse can check the packaging.',
  },
  {
    docId: 'shipping-times',
    title: 'Shipping times',
    body:
      'Standard shipping takes 3 to 5 business days; express shipping takes 1 to 2. Orders placed before noon ' +
      'ship the same day. Tracking links are emailed when the parcel leaves the warehouse.',
  },
  {
    docId: 'order-cancellation',
    title: 'Cancelling an order',
    body:
      'An order can be cancelled free of charge until it ships. After it ships, the customer returns it and ' +
      'receives a refund under the refund policy once the return is received.',
  },
  {
    docId: 'customer-emails',
    title: 'Writing to customers',
    body:
      'Reply by email within one business day. Confirm what was done, quote the order number, and never ' +
      'include payment card details in an email.',
  },
];
