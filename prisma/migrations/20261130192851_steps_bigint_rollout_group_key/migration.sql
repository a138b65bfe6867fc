-- Steps as BIGINT: RL code logs environment steps and tokens in the billions, and values up to 2^53 - 1 stay
-- exact in JS numbers. A rollout identity that includes its group (two groups of one step may share a clip).
-- Run.lastReportAt for the lost-contact check. (No semicolons in comments: the schema engine splits on them.)

-- DropIndex
DROP INDEX "Rollout_runId_step_clipId_sampleIndex_key";

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "lastReportAt" TIMESTAMP(3),
ALTER COLUMN "lastStep" SET DATA TYPE BIGINT,
ALTER COLUMN "maxSteps" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Checkpoint" ALTER COLUMN "step" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "MetricPoint" DROP CONSTRAINT "MetricPoint_pkey",
ALTER COLUMN "step" SET DATA TYPE BIGINT,
ADD CONSTRAINT "MetricPoint_pkey" PRIMARY KEY ("runId", "key", "step");

-- AlterTable
ALTER TABLE "MetricRollup" DROP CONSTRAINT "MetricRollup_pkey",
ALTER COLUMN "bucket" SET DATA TYPE BIGINT,
ALTER COLUMN "firstStep" SET DATA TYPE BIGINT,
ALTER COLUMN "lastStep" SET DATA TYPE BIGINT,
ADD CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("runId", "key", "bucket");

-- AlterTable
ALTER TABLE "Rollout" ALTER COLUMN "step" SET DATA TYPE BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "Rollout_runId_step_clipId_groupIndex_sampleIndex_key" ON "Rollout"("runId", "step", "clipId", "groupIndex", "sampleIndex");
