/**
 * The relayer: submits users' signed USDC permits to the Vault and pays the gas from a hot
 * wallet. Keep its balance low; ops tops it up from the treasury (see docs/sprint.md).
 */
import {
  createPublicClient,
  createWalletClient,
  http,
  parseAbi,
  parseSignature,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { base } from "viem/chains";
import { usdcAddresses, vaultAbi, vaultAddresses } from "@vaultline/shared";

const permitAbi = parseAbi(["function nonces(address owner) view returns (uint256)"]);

export interface PermitDeposit {
  owner: Address;
  amount: bigint;
  deadline: number;
  signature: Hex;
}

export function createRelayer() {
  const transport = http(process.env.BASE_RPC_URL, { retryCount: 2, timeout: 10_000 });
  const publicClient = createPublicClient({ chain: base, transport });
  const account = privateKeyToAccount(process.env.RELAYER_PRIVATE_KEY as `0x${string}`);
  const walletClient = createWalletClient({ account, chain: base, transport });

  const vault = vaultAddresses[base.id];
  const usdc = usdcAddresses[base.id];

  async function permitNonce(owner: Address): Promise<bigint> {
    return publicClient.readContract({ address: usdc, abi: permitAbi, functionName: "nonces", args: [owner] });
  }

  /** Simulate first so a bad permit costs us an RPC call, not gas. */
  async function submitPermitDeposit(req: PermitDeposit): Promise<Hex> {
    const { r, s, v, yParity } = parseSignature(req.signature);
    const vByte = Number(v ?? BigInt(yParity + 27));
    const { request } = await publicClient.simulateContract({
      account,
      address: vault,
      abi: vaultAbi,
      functionName: "depositWithPermit",
      args: [req.owner, req.amount, BigInt(req.deadline), vByte, r, s],
    });
    return walletClient.writeContract(request);
  }

  async function gasBalance(): Promise<bigint> {
    return publicClient.getBalance({ address: account.address });
  }

  return { address: account.address, publicClient, permitNonce, submitPermitDeposit, gasBalance };
}

export type Relayer = ReturnType<typeof createRelayer>;
