import cors from "@fastify/cors";
import jwt from "@fastify/jwt";
import type { PrismaClient } from "@prisma/client";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { formatEther, getAddress, isAddress, isHex } from "viem";
import type { Cache } from "./cache.js";
import type { Relayer } from "./relayer.js";

export interface AppDeps {
  prisma: PrismaClient;
  cache: Cache;
  relayer: Relayer;
  jwtSecret: string;
}

const HISTORY_TTL_SECONDS = 15;

interface PermitBody {
  owner: string;
  amount: string;
  deadline: number;
  signature: string;
}

export function buildApp({ prisma, cache, relayer, jwtSecret }: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: { level: process.env.LOG_LEVEL ?? "info" },
    trustProxy: true,
  });

  app.register(cors, { origin: process.env.CORS_ORIGIN?.split(",") ?? false });
  app.register(jwt, { secret: jwtSecret });

  async function requireOps(request: FastifyRequest, reply: FastifyReply) {
    try {
      const claims = await request.jwtVerify<{ role?: string }>();
      if (claims.role !== "ops") await reply.code(403).send({ error: "forbidden" });
    } catch {
      await reply.code(401).send({ error: "unauthorized" });
    }
  }

  // Liveness: the process is up. Never touches dependencies.
  app.get("/health", async () => ({ status: "ok" }));

  // Readiness: Postgres and the RPC answer (and Redis, when configured).
  app.get("/ready", async (_request, reply) => {
    try {
      await prisma.$queryRaw`SELECT 1`;
      await relayer.publicClient.getBlockNumber();
      if (cache.enabled) await cache.ping();
      return { status: "ready" };
    } catch (err) {
      app.log.warn({ err }, "readiness check failed");
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  app.get<{ Params: { owner: string } }>("/v1/permits/nonce/:owner", async (request, reply) => {
    if (!isAddress(request.params.owner)) return reply.code(400).send({ error: "bad address" });
    const nonce = await relayer.permitNonce(getAddress(request.params.owner));
    return { nonce: nonce.toString() };
  });

  app.post<{ Body: PermitBody }>("/v1/deposits/permit", async (request, reply) => {
    const { owner, amount, deadline, signature } = request.body;
    if (!isAddress(owner) || !isHex(signature) || !/^\d+$/.test(amount)) {
      return reply.code(400).send({ error: "invalid permit" });
    }
    if (deadline < Math.floor(Date.now() / 1000) + 60) {
      return reply.code(400).send({ error: "permit expires too soon" });
    }
    const record = await prisma.relayRequest.create({
      data: { owner: getAddress(owner), amount, deadline },
    });
    try {
      const txHash = await relayer.submitPermitDeposit({
        owner: getAddress(owner),
        amount: BigInt(amount),
        deadline,
        signature,
      });
      await prisma.relayRequest.update({ where: { id: record.id }, data: { status: "submitted", txHash } });
      await cache.del(`history:${getAddress(owner)}`);
      return reply.code(202).send({ id: record.id, txHash });
    } catch (err) {
      request.log.warn({ err, id: record.id }, "relay rejected");
      await prisma.relayRequest.update({
        where: { id: record.id },
        data: { status: "failed", error: err instanceof Error ? err.message.slice(0, 500) : "unknown" },
      });
      return reply.code(422).send({ id: record.id, error: "relay rejected" });
    }
  });

  app.get<{ Params: { owner: string } }>("/v1/accounts/:owner/deposits", async (request, reply) => {
    if (!isAddress(request.params.owner)) return reply.code(400).send({ error: "bad address" });
    const owner = getAddress(request.params.owner);
    const key = `history:${owner}`;
    const cached = await cache.get(key);
    if (cached) return reply.type("application/json").send(cached);
    const rows = await prisma.relayRequest.findMany({
      where: { owner },
      orderBy: { createdAt: "desc" },
      take: 50,
    });
    const body = JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        owner: r.owner,
        amount: r.amount,
        status: r.status,
        txHash: r.txHash,
        createdAt: r.createdAt.toISOString(),
      })),
    );
    await cache.set(key, body, HISTORY_TTL_SECONDS);
    return reply.type("application/json").send(body);
  });

  app.get("/v1/admin/relayer", { onRequest: requireOps }, async () => {
    const balance = await relayer.gasBalance();
    return { address: relayer.address, balanceEth: formatEther(balance) };
  });

  return app;
}
