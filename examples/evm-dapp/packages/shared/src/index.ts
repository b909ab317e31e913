/**
 * Shared between web, api and indexer: the Vault ABI, where it is deployed, and the
 * shapes the API returns. Kept free of runtime dependencies so every app can import it.
 */

export type Address = `0x${string}`;
export type Hex = `0x${string}`;

export const BASE_CHAIN_ID = 8453;
export const BASE_SEPOLIA_CHAIN_ID = 84532;
export type SupportedChainId = typeof BASE_CHAIN_ID | typeof BASE_SEPOLIA_CHAIN_ID;

/** Vault deployments; update after running contracts/script/Deploy.s.sol. */
export const vaultAddresses: Record<SupportedChainId, Address> = {
  [BASE_CHAIN_ID]: "0x87647b434Be64f1B8d2835F077363288D9364040",
  [BASE_SEPOLIA_CHAIN_ID]: "0x1c5d120feC2821E657b6fEaE0A96448e058834d4",
};

/** Circle's USDC on each chain (6 decimals). */
export const usdcAddresses: Record<SupportedChainId, Address> = {
  [BASE_CHAIN_ID]: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
  [BASE_SEPOLIA_CHAIN_ID]: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
};

export const USDC_DECIMALS = 6;

/** Deployment block of the Vault on Base, where the indexer starts. */
export const VAULT_START_BLOCK = 15_830_112;

export const vaultAbi = [
  {
    type: "function",
    name: "deposit",
    stateMutability: "nonpayable",
    inputs: [{ name: "amount", type: "uint256" }],
    outputs: [],
  },
  {
    type: "function",
    name: "depositWithPermit",
    stateMutability: "nonpayable",
    inputs: [
      { name: "owner", type: "address" },
      { name: "amount", type: "uint256" },
      { name: "deadline", type: "uint256" },
      { name: "v", type: "uint8" },
      { name: "r", type: "bytes32" },
      { name: "s", type: "bytes32" },
    ],
    outputs: [],
  },
  {
    type: "function",
    name: "withdraw",
    stateMutability: "nonpayable",
    inputs: [{ name: "amount", type: "uint256" }],
    outputs: [],
  },
  {
    type: "function",
    name: "balanceOf",
    stateMutability: "view",
    inputs: [{ name: "account", type: "address" }],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "totalDeposits",
    stateMutability: "view",
    inputs: [],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "event",
    name: "Deposited",
    anonymous: false,
    inputs: [
      { name: "account", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
      { name: "relayed", type: "bool", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Withdrawn",
    anonymous: false,
    inputs: [
      { name: "account", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
] as const;

/** POST /v1/deposits/permit body: a signed EIP-2612 permit for the Vault. */
export interface PermitDepositRequest {
  owner: Address;
  amount: string;
  deadline: number;
  signature: Hex;
}

export type RelayStatus = "queued" | "submitted" | "confirmed" | "failed";

export interface RelayRecord {
  id: string;
  owner: Address;
  amount: string;
  status: RelayStatus;
  txHash: Hex | null;
  createdAt: string;
}
