import { describe, it } from 'vitest';
import { cardIdOf, customerCreated, customerIdOf, HOUR_MS, merchant, newCard, otherMerchant, specFor, T0 } from '../testing/index.js';
import type { CustomerCommand } from './commands.js';
import type { CustomerDeleted } from './events.js';
import { customerDecider } from './index.js';

const spec = specFor(customerDecider);
const at = T0 + HOUR_MS;
const onCustomer = { customerId: customerIdOf(1), merchant, at };
const customerDeleted: CustomerDeleted = { type: 'CustomerDeleted', data: onCustomer };

describe('DeleteCustomer', () => {
  it('deletes the customer', () => {
    spec(customerCreated()).when({ type: 'DeleteCustomer', ...onCustomer }).then([customerDeleted]);
  });
});

describe('a customer the caller does not have', () => {
  const commands: ReadonlyArray<CustomerCommand> = [
    { type: 'UpdateCustomer', ...onCustomer, email: 'taro@example.jp' },
    { type: 'DeleteCustomer', ...onCustomer },
    { type: 'AttachCard', ...onCustomer, card: newCard(1), makeDefault: false },
    { type: 'DetachCard', ...onCustomer, card: cardIdOf(1) },
  ];
  const situations = [
    ['unknown', []],
    ['deleted', [customerCreated(), customerDeleted]],
    ["another merchant's", [customerCreated({ merchant: otherMerchant })]],
  ] as const;

  describe.each(situations)('when the customer is %s', (_, given) => {
    it.each(commands.map((command) => [command.type, command] as const))('answers %s with invalid_id', (_, command) => {
      spec(...given).when(command).thenFails('invalid_id', { status: 404, param: 'id' });
    });
  });
});
