import { ponder } from "ponder:registry";
import { account, vaultEvent, vaultStats } from "ponder:schema";

const STATS_ID = "global";

ponder.on("Vault:Deposited", async ({ event, context }) => {
  const { account: owner, amount, relayed } = event.args;
  const timestamp = Number(event.block.timestamp);

  const existing = await context.db.find(account, { address: owner });
  await context.db
    .insert(account)
    .values({ address: owner, balance: amount, depositCount: 1, lastActivityAt: timestamp })
    .onConflictDoUpdate((row) => ({
      balance: row.balance + amount,
      depositCount: row.depositCount + 1,
      lastActivityAt: timestamp,
    }));

  await context.db.insert(vaultEvent).values({
    id: event.id,
    kind: "deposit",
    account: owner,
    amount,
    relayed,
    txHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp,
  });

  await context.db
    .insert(vaultStats)
    .values({ id: STATS_ID, totalDeposits: amount, depositors: 1 })
    .onConflictDoUpdate((row) => ({
      totalDeposits: row.totalDeposits + amount,
      depositors: row.depositors + (existing ? 0 : 1),
    }));
});

ponder.on("Vault:Withdrawn", async ({ event, context }) => {
  const { account: owner, amount } = event.args;
  const timestamp = Number(event.block.timestamp);

  await context.db
    .update(account, { address: owner })
    .set((row) => ({ balance: row.balance - amount, lastActivityAt: timestamp }));

  await context.db.insert(vaultEvent).values({
    id: event.id,
    kind: "withdraw",
    account: owner,
    amount,
    relayed: false,
    txHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp,
  });

  await context.db
    .update(vaultStats, { id: STATS_ID })
    .set((row) => ({ totalDeposits: row.totalDeposits - amount }));
});
