-- AlterTable
ALTER TABLE "EvalResult" ADD COLUMN     "clips" INTEGER,
ADD COLUMN     "failedClips" INTEGER,
ADD COLUMN     "judgeEndpoint" TEXT,
ADD COLUMN     "judgeTemperature" DOUBLE PRECISION,
ADD COLUMN     "provenance" JSONB,
ADD COLUMN     "simulated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "subset" TEXT NOT NULL DEFAULT 'overall';

-- AlterTable
ALTER TABLE "EvalSample" ADD COLUMN     "failed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "failureReason" TEXT,
ADD COLUMN     "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "reference" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "subset" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "EvalProgress" (
    "runId" TEXT NOT NULL,
    "clipsTotal" INTEGER NOT NULL,
    "clipsDone" INTEGER NOT NULL,
    "clipsFailed" INTEGER NOT NULL,
    "callsMade" INTEGER NOT NULL,
    "callsCached" INTEGER NOT NULL,
    "callsLeft" INTEGER NOT NULL,
    "etaSeconds" DOUBLE PRECISION,
    "stage" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EvalProgress_pkey" PRIMARY KEY ("runId")
);

-- CreateTable
CREATE TABLE "JudgeCache" (
    "key" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "prompt" TEXT NOT NULL,
    "reply" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JudgeCache_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "JudgeCache_model_createdAt_idx" ON "JudgeCache"("model", "createdAt");

-- CreateIndex
CREATE INDEX "EvalResult_checkpointId_idx" ON "EvalResult"("checkpointId");

-- CreateIndex
CREATE INDEX "EvalSample_runId_benchmark_subset_id_idx" ON "EvalSample"("runId", "benchmark", "subset", "id");

-- CreateIndex
CREATE UNIQUE INDEX "EvalSample_runId_benchmark_subset_clipId_key" ON "EvalSample"("runId", "benchmark", "subset", "clipId");

-- AddForeignKey
ALTER TABLE "EvalProgress" ADD CONSTRAINT "EvalProgress_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
