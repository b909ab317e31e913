// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

import { IERC20 } from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import { IERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import { SafeERC20 } from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import { Ownable } from "@openzeppelin/contracts/access/Ownable.sol";
import { Pausable } from "@openzeppelin/contracts/utils/Pausable.sol";
import { ReentrancyGuard } from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title Vaultline savings vault
/// @notice Holds one ERC-20 (USDC) per depositor, 1:1, no yield strategy yet.
///         Deposits can be relayed: anyone may submit a holder's EIP-2612 permit, and the
///         funds are always credited to the permit's owner, never to the caller.
contract Vault is Ownable, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    IERC20 public immutable asset;
    uint256 public totalDeposits;
    uint256 public depositCap;

    mapping(address account => uint256 amount) public balanceOf;

    event Deposited(address indexed account, uint256 amount, bool relayed);
    event Withdrawn(address indexed account, uint256 amount);
    event DepositCapUpdated(uint256 cap);

    error ZeroAmount();
    error CapExceeded(uint256 requested, uint256 available);
    error InsufficientBalance(uint256 requested, uint256 available);

    constructor(IERC20 asset_, address owner_, uint256 depositCap_) Ownable(owner_) {
        asset = asset_;
        depositCap = depositCap_;
        emit DepositCapUpdated(depositCap_);
    }

    function deposit(uint256 amount) external nonReentrant whenNotPaused {
        _credit(msg.sender, amount, false);
        asset.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev The permit may already have been used (front-run); that is fine as long as the
    ///      allowance is there, so a failing permit call is tolerated.
    function depositWithPermit(address owner, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        whenNotPaused
    {
        try IERC20Permit(address(asset)).permit(owner, address(this), amount, deadline, v, r, s) { } catch { }
        _credit(owner, amount, true);
        asset.safeTransferFrom(owner, address(this), amount);
    }

    function withdraw(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 available = balanceOf[msg.sender];
        if (amount > available) revert InsufficientBalance(amount, available);
        unchecked {
            balanceOf[msg.sender] = available - amount;
            totalDeposits -= amount;
        }
        emit Withdrawn(msg.sender, amount);
        asset.safeTransfer(msg.sender, amount);
    }

    function setDepositCap(uint256 cap) external onlyOwner {
        depositCap = cap;
        emit DepositCapUpdated(cap);
    }

    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    function _credit(address account, uint256 amount, bool relayed) private {
        if (amount == 0) revert ZeroAmount();
        uint256 available = depositCap - totalDeposits;
        if (amount > available) revert CapExceeded(amount, available);
        balanceOf[account] += amount;
        totalDeposits += amount;
        emit Deposited(account, amount, relayed);
    }
}
