import { index, onchainTable } from "ponder";

/** Current balance per depositor, kept in step with Deposited/Withdrawn events. */
export const account = onchainTable("account", (t) => ({
  address: t.hex().primaryKey(),
  balance: t.bigint().notNull(),
  depositCount: t.integer().notNull(),
  lastActivityAt: t.integer().notNull(),
}));

/** Every vault movement, for history views and reconciliation against the relayer table. */
export const vaultEvent = onchainTable(
  "vault_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: t.text().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    relayed: t.boolean().notNull(),
    txHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
  }),
  (table) => ({
    accountIdx: index().on(table.account),
  }),
);

/** Single-row running total, cheaper than summing balances on every request. */
export const vaultStats = onchainTable("vault_stats", (t) => ({
  id: t.text().primaryKey(),
  totalDeposits: t.bigint().notNull(),
  depositors: t.integer().notNull(),
}));
