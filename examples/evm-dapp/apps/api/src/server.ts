import { PrismaClient } from "@prisma/client";
import { buildApp } from "./app.js";
import { createCache } from "./cache.js";
import { createRelayer } from "./relayer.js";

const jwtSecret = process.env.JWT_SECRET;
if (!jwtSecret) {
  throw new Error("JWT_SECRET must be set");
}

const prisma = new PrismaClient();
const cache = createCache();
const relayer = createRelayer();
const app = buildApp({ prisma, cache, relayer, jwtSecret });

const port = Number(process.env.PORT ?? 8080);

app.listen({ port, host: "0.0.0.0" }).catch((err) => {
  app.log.error(err);
  process.exit(1);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    app.log.info({ signal }, "shutting down");
    await app.close();
    await Promise.allSettled([prisma.$disconnect(), cache.close()]);
    process.exit(0);
  });
}
