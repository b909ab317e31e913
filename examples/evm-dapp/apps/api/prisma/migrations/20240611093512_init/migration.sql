-- CreateEnum
CREATE TYPE "RelayStatus" AS ENUM ('queued', 'submitted', 'confirmed', 'failed');

-- CreateTable
CREATE TABLE "RelayRequest" (
    "id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "amount" TEXT NOT NULL,
    "deadline" INTEGER NOT NULL,
    "status" "RelayStatus" NOT NULL DEFAULT 'queued',
    "txHash" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RelayRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RelayRequest_txHash_key" ON "RelayRequest"("txHash");

-- CreateIndex
CREATE INDEX "RelayRequest_owner_createdAt_idx" ON "RelayRequest"("owner", "createdAt");
