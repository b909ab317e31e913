/**
 * Read-through cache for deposit history. Redis is optional: without REDIS_URL every call is
 * a miss and the API reads Postgres directly, which is fine at our current traffic.
 */
import { Redis } from "ioredis";

export interface Cache {
  readonly enabled: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const disabled: Cache = {
  enabled: false,
  get: async () => null,
  set: async () => undefined,
  del: async () => undefined,
  ping: async () => undefined,
  close: async () => undefined,
};

export function createCache(): Cache {
  if (process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 2 });
    return {
      enabled: true,
      get: (key) => redis.get(key),
      set: async (key, value, ttlSeconds) => {
        await redis.set(key, value, "EX", ttlSeconds);
      },
      del: async (key) => {
        await redis.del(key);
      },
      ping: async () => {
        await redis.ping();
      },
      close: async () => {
        await redis.quit();
      },
    };
  }
  return disabled;
}
