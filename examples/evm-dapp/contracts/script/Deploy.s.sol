// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import { Script, console2 } from "forge-std/Script.sol";
import { IERC20 } from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import { Vault } from "../src/Vault.sol";

/// forge script script/Deploy.s.sol --rpc-url base_sepolia --broadcast --verify
contract Deploy is Script {
    address internal constant USDC_BASE = 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913;
    address internal constant USDC_BASE_SEPOLIA = 0x036CbD53842c5426634e7929541eC2318f3dCF7e;
    /// Treasury multisig (Safe) that owns the vault after deployment.
    address internal constant OWNER_SAFE = 0xf99707FC09D8a0A521B55A583f5BA33E51A5178c;
    uint256 internal constant INITIAL_CAP = 250_000e6;

    function run() external returns (Vault vault) {
        uint256 deployerKey = vm.envUint("DEPLOYER_PRIVATE_KEY");
        address usdc = block.chainid == 8453 ? USDC_BASE : USDC_BASE_SEPOLIA;

        vm.startBroadcast(deployerKey);
        vault = new Vault(IERC20(usdc), OWNER_SAFE, INITIAL_CAP);
        vm.stopBroadcast();

        console2.log("Vault deployed at", address(vault), "on chain", block.chainid);
    }
}
