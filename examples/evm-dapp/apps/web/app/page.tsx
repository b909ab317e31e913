"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUnits, parseSignature, parseUnits } from "viem";
import { useAccount, useConnect, useReadContract, useSignTypedData } from "wagmi";
import {
  USDC_DECIMALS,
  usdcAddresses,
  vaultAbi,
  vaultAddresses,
  type RelayRecord,
} from "@vaultline/shared";
import { activeChain } from "./providers";

const API_URL = process.env.NEXT_PUBLIC_API_URL ?? "";
const vault = vaultAddresses[activeChain.id];

export default function Home() {
  const { address, isConnected } = useAccount();
  const { connectors, connect } = useConnect();
  const { signTypedDataAsync } = useSignTypedData();
  const [amount, setAmount] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  const balance = useReadContract({
    address: vault,
    abi: vaultAbi,
    functionName: "balanceOf",
    args: address ? [address] : undefined,
    chainId: activeChain.id,
    query: { enabled: Boolean(address) },
  });

  const history = useQuery({
    queryKey: ["deposits", address],
    enabled: Boolean(address),
    queryFn: async (): Promise<RelayRecord[]> => {
      const res = await fetch(`${API_URL}/v1/accounts/${address}/deposits`);
      if (!res.ok) throw new Error(`API ${res.status}`);
      return res.json();
    },
  });

  async function depositGasless() {
    if (!address) return;
    const value = parseUnits(amount, USDC_DECIMALS);
    const deadline = Math.floor(Date.now() / 1000) + 30 * 60;
    const nonceRes = await fetch(`${API_URL}/v1/permits/nonce/${address}`);
    const { nonce } = (await nonceRes.json()) as { nonce: string };
    const signature = await signTypedDataAsync({
      domain: {
        name: "USD Coin",
        version: "2",
        chainId: activeChain.id,
        verifyingContract: usdcAddresses[activeChain.id],
      },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: address, spender: vault, value, nonce: BigInt(nonce), deadline: BigInt(deadline) },
    });
    // Fail fast on a malformed signature before it reaches the relayer.
    parseSignature(signature);
    const res = await fetch(`${API_URL}/v1/deposits/permit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ owner: address, amount: value.toString(), deadline, signature }),
    });
    setMessage(res.ok ? "Deposit queued. It will show up below once confirmed." : "The relayer refused the deposit.");
    await history.refetch();
  }

  if (!isConnected) {
    return (
      <main>
        <h1>Vaultline</h1>
        <p>Save USDC on {activeChain.name} without paying gas.</p>
        {connectors.map((connector) => (
          <button key={connector.uid} onClick={() => connect({ connector })}>
            Connect {connector.name}
          </button>
        ))}
      </main>
    );
  }

  return (
    <main>
      <h1>Your vault</h1>
      <p>
        Balance: {balance.data !== undefined ? formatUnits(balance.data, USDC_DECIMALS) : "…"} USDC
      </p>
      <label>
        Amount
        <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" />
      </label>
      <button onClick={depositGasless} disabled={!amount}>
        Deposit without gas
      </button>
      {message && <p role="status">{message}</p>}
      <h2>History</h2>
      <ul>
        {(history.data ?? []).map((r) => (
          <li key={r.id}>
            {formatUnits(BigInt(r.amount), USDC_DECIMALS)} USDC · {r.status}
          </li>
        ))}
      </ul>
    </main>
  );
}
