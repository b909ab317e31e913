// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import { Test } from "forge-std/Test.sol";
import { ERC20 } from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import { ERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import { Vault } from "../src/Vault.sol";

contract MockUSDC is ERC20, ERC20Permit {
    constructor() ERC20("USD Coin", "USDC") ERC20Permit("USD Coin") { }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

contract VaultTest is Test {
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    MockUSDC internal usdc;
    Vault internal vault;
    address internal admin = makeAddr("admin");
    address internal relayer = makeAddr("relayer");
    uint256 internal alicePk = 0xA11CE;
    address internal alice;

    function setUp() public {
        alice = vm.addr(alicePk);
        usdc = new MockUSDC();
        vault = new Vault(usdc, admin, 1_000_000e6);
        usdc.mint(alice, 10_000e6);
    }

    function test_deposit_and_withdraw() public {
        vm.startPrank(alice);
        usdc.approve(address(vault), 500e6);
        vault.deposit(500e6);
        assertEq(vault.balanceOf(alice), 500e6);
        vault.withdraw(200e6);
        vm.stopPrank();
        assertEq(vault.balanceOf(alice), 300e6);
        assertEq(vault.totalDeposits(), 300e6);
        assertEq(usdc.balanceOf(alice), 9_700e6);
    }

    function test_relayed_deposit_credits_owner_not_relayer() public {
        uint256 amount = 250e6;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(alicePk, alice, amount, deadline);

        vm.prank(relayer);
        vault.depositWithPermit(alice, amount, deadline, v, r, s);

        assertEq(vault.balanceOf(alice), amount);
        assertEq(vault.balanceOf(relayer), 0);
    }

    function test_replayed_permit_does_not_double_credit() public {
        uint256 amount = 100e6;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(alicePk, alice, amount, deadline);

        vm.prank(relayer);
        vault.depositWithPermit(alice, amount, deadline, v, r, s);

        vm.prank(relayer);
        vm.expectRevert();
        vault.depositWithPermit(alice, amount, deadline, v, r, s);
        assertEq(vault.balanceOf(alice), amount);
    }

    function test_cap_is_enforced() public {
        vm.prank(admin);
        vault.setDepositCap(100e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), 200e6);
        vm.expectRevert(abi.encodeWithSelector(Vault.CapExceeded.selector, 200e6, 100e6));
        vault.deposit(200e6);
        vm.stopPrank();
    }

    function testFuzz_withdraw_never_exceeds_balance(uint96 deposited, uint96 requested) public {
        vm.assume(deposited > 0 && deposited <= 10_000e6);
        vm.startPrank(alice);
        usdc.approve(address(vault), deposited);
        vault.deposit(deposited);
        if (requested > deposited) {
            vm.expectRevert(abi.encodeWithSelector(Vault.InsufficientBalance.selector, requested, deposited));
            vault.withdraw(requested);
        } else if (requested > 0) {
            vault.withdraw(requested);
            assertEq(vault.balanceOf(alice), uint256(deposited) - requested);
        }
        vm.stopPrank();
    }

    function _signPermit(uint256 pk, address owner, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, address(vault), value, usdc.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(pk, digest);
    }
}
