"""Talks to the Notary contract on Sepolia and signs anchor transactions.

The signer is a hot key held in process memory (SIGNER_PRIVATE_KEY). One lock serialises
nonce allocation so concurrent requests in this process never reuse a nonce; running more
than one API process with the same key is not supported (see the SDD).
"""

import threading
from dataclasses import dataclass
from functools import lru_cache

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from app.settings import get_settings

# Notary deployment on Sepolia (verified on Etherscan).
NOTARY_ADDRESS = "0x1A085d143d8a4fDd3A1499BFC9aE936A07f09Df4"
NOTARY_ABI = [
    {
        "type": "function",
        "name": "anchor",
        "stateMutability": "nonpayable",
        "inputs": [{"name": "digest", "type": "bytes32"}],
        "outputs": [],
    },
    {
        "type": "function",
        "name": "anchoredAt",
        "stateMutability": "view",
        "inputs": [{"name": "digest", "type": "bytes32"}],
        "outputs": [{"name": "", "type": "uint256"}],
    },
    {
        "type": "event",
        "name": "Anchored",
        "anonymous": False,
        "inputs": [
            {"name": "digest", "type": "bytes32", "indexed": True},
            {"name": "submitter", "type": "address", "indexed": True},
            {"name": "timestamp", "type": "uint256", "indexed": False},
        ],
    },
]


@dataclass
class Chain:
    w3: Web3
    notary: Contract
    signer: LocalAccount
    chain_id: int
    _lock: threading.Lock

    def submit_anchor(self, digest: bytes) -> tuple[str, int]:
        """Sign and send `anchor(digest)`; returns (tx hash, nonce)."""
        with self._lock:
            nonce = self.w3.eth.get_transaction_count(self.signer.address, "pending")
            tx = self.notary.functions.anchor(digest).build_transaction(
                {"from": self.signer.address, "nonce": nonce, "chainId": self.chain_id}
            )
            signed = self.signer.sign_transaction(tx)
            tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        return tx_hash.to_0x_hex(), nonce


@lru_cache
def get_chain() -> Chain:
    settings = get_settings()
    w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 10}))
    signer: LocalAccount = Account.from_key(settings.signer_private_key.get_secret_value())
    notary = w3.eth.contract(address=Web3.to_checksum_address(NOTARY_ADDRESS), abi=NOTARY_ABI)
    return Chain(w3=w3, notary=notary, signer=signer, chain_id=settings.chain_id, _lock=threading.Lock())
