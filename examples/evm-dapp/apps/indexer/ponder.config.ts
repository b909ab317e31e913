import { createConfig } from "ponder";
import { http } from "viem";
import { VAULT_START_BLOCK, vaultAbi, vaultAddresses } from "@vaultline/shared";

export default createConfig({
  database: {
    kind: "postgres",
    connectionString: process.env.DATABASE_URL,
  },
  networks: {
    base: {
      chainId: 8453,
      transport: http(process.env.PONDER_RPC_URL_8453),
      maxRequestsPerSecond: 25,
    },
  },
  contracts: {
    Vault: {
      network: "base",
      abi: vaultAbi,
      address: vaultAddresses[8453],
      startBlock: VAULT_START_BLOCK,
    },
  },
});
