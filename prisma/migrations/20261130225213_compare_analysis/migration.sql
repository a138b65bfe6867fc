-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'analyze';

-- CreateTable
CREATE TABLE "CaptionAnalysis" (
    "id" TEXT NOT NULL,
    "captionId" TEXT NOT NULL,
    "runId" TEXT,
    "sourceId" TEXT NOT NULL,
    "clipId" TEXT NOT NULL,
    "textHash" TEXT NOT NULL DEFAULT '',
    "judgeKind" TEXT NOT NULL,
    "judgeModel" TEXT NOT NULL,
    "promptVersion" TEXT NOT NULL,
    "baselineSourceId" TEXT,
    "claims" JSONB NOT NULL,
    "nClaims" INTEGER NOT NULL,
    "nHallucinated" INTEGER NOT NULL,
    "nAccurate" INTEGER NOT NULL,
    "nUnique" INTEGER NOT NULL,
    "nUnmapped" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaptionAnalysis_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CaptionAnalysis_captionId_key" ON "CaptionAnalysis"("captionId");

-- CreateIndex
CREATE INDEX "CaptionAnalysis_sourceId_idx" ON "CaptionAnalysis"("sourceId");

-- CreateIndex
CREATE INDEX "CaptionAnalysis_runId_idx" ON "CaptionAnalysis"("runId");

-- AddForeignKey
ALTER TABLE "CaptionAnalysis" ADD CONSTRAINT "CaptionAnalysis_captionId_fkey" FOREIGN KEY ("captionId") REFERENCES "Caption"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaptionAnalysis" ADD CONSTRAINT "CaptionAnalysis_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
