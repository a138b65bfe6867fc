-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "importReport" JSONB,
ADD COLUMN     "sourceRunId" TEXT;

-- CreateTable
CREATE TABLE "VideoMeasurement" (
    "fileKey" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "mtimeMs" DOUBLE PRECISION NOT NULL,
    "durationSec" DOUBLE PRECISION,
    "width" INTEGER,
    "height" INTEGER,
    "fps" DOUBLE PRECISION,
    "frameCount" INTEGER,
    "codec" TEXT,
    "probeError" TEXT,
    "probedAt" TIMESTAMP(3),
    "dynamicity" DOUBLE PRECISION,
    "flowDetail" JSONB,
    "dynamicityMethod" TEXT,
    "flowError" TEXT,
    "flowMeasuredAt" TIMESTAMP(3),

    CONSTRAINT "VideoMeasurement_pkey" PRIMARY KEY ("fileKey")
);

-- CreateTable
CREATE TABLE "CurationClip" (
    "runId" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "externalId" TEXT NOT NULL,
    "videoPath" TEXT,
    "caption" TEXT,
    "fileKey" TEXT,
    "sizeBytes" BIGINT,
    "durationSec" DOUBLE PRECISION,
    "dynamicity" DOUBLE PRECISION,
    "stage" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "think" JSONB,
    "thinkSource" TEXT,
    "actionTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "newActions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "filterRank" INTEGER,
    "reusedMeasurement" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CurationClip_pkey" PRIMARY KEY ("runId","ordinal")
);

-- CreateTable
CREATE TABLE "CurationStage" (
    "runId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "passed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CurationStage_pkey" PRIMARY KEY ("runId","stage")
);

-- CreateIndex
CREATE INDEX "VideoMeasurement_path_idx" ON "VideoMeasurement"("path");

-- CreateIndex
CREATE INDEX "CurationClip_runId_outcome_idx" ON "CurationClip"("runId", "outcome");

-- CreateIndex
CREATE INDEX "CurationClip_runId_stage_idx" ON "CurationClip"("runId", "stage");

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_sourceRunId_fkey" FOREIGN KEY ("sourceRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CurationClip" ADD CONSTRAINT "CurationClip_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CurationStage" ADD CONSTRAINT "CurationStage_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
