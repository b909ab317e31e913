import type { PrismaClient } from "@prisma/client";
import { describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import type { Cache } from "../src/cache.js";
import type { Relayer } from "../src/relayer.js";

const noCache: Cache = {
  enabled: false,
  get: async () => null,
  set: async () => undefined,
  del: async () => undefined,
  ping: async () => undefined,
  close: async () => undefined,
};

function appWith({ dbUp = true, rpcUp = true } = {}) {
  const prisma = {
    $queryRaw: vi.fn(async () => {
      if (!dbUp) throw new Error("connection refused");
      return [{ "?column?": 1 }];
    }),
  } as unknown as PrismaClient;
  const relayer = {
    address: "0x0000000000000000000000000000000000000001",
    publicClient: {
      getBlockNumber: vi.fn(async () => {
        if (!rpcUp) throw new Error("rpc timeout");
        return 20_000_000n;
      }),
    },
  } as unknown as Relayer;
  return buildApp({ prisma, cache: noCache, relayer, jwtSecret: "test-only" });
}

describe("health endpoints", () => {
  it("GET /health answers without touching dependencies", async () => {
    const app = appWith({ dbUp: false, rpcUp: false });
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("GET /ready is 200 when Postgres and the RPC answer", async () => {
    const res = await appWith().inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ready" });
  });

  it("GET /ready is 503 when Postgres is down", async () => {
    const res = await appWith({ dbUp: false }).inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(503);
  });

  it("GET /ready is 503 when the RPC is down", async () => {
    const res = await appWith({ rpcUp: false }).inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(503);
  });
});

describe("admin routes", () => {
  it("refuse requests without an ops token", async () => {
    const res = await appWith().inject({ method: "GET", url: "/v1/admin/relayer" });
    expect(res.statusCode).toBe(401);
  });
});
