import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { desc, eq, graphql, replaceBigInts } from "ponder";

const app = new Hono();

// GraphQL for the dashboard and ad-hoc queries.
app.use("/graphql", graphql({ db, schema }));

// The web app's history view; plain JSON so it can be cached at the edge.
app.get("/accounts/:address/events", async (c) => {
  const address = c.req.param("address").toLowerCase() as `0x${string}`;
  const rows = await db
    .select()
    .from(schema.vaultEvent)
    .where(eq(schema.vaultEvent.account, address))
    .orderBy(desc(schema.vaultEvent.blockNumber))
    .limit(100);
  return c.json(replaceBigInts(rows, (v) => String(v)), 200, { "cache-control": "public, max-age=5" });
});

export default app;
