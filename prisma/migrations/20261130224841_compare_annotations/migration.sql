-- AlterTable
ALTER TABLE "CaptionSource" ADD COLUMN     "benchmark" TEXT,
ADD COLUMN     "fileName" TEXT,
ADD COLUMN     "model" TEXT;

-- AlterTable
ALTER TABLE "Caption" ADD COLUMN     "textHash" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "SpanAnnotation" ADD COLUMN     "analysisRunId" TEXT,
ADD COLUMN     "authorName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "claim" TEXT,
ADD COLUMN     "judgeKind" TEXT,
ADD COLUMN     "judgeModel" TEXT,
ADD COLUMN     "needsReview" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'human',
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'accepted',
ADD COLUMN     "text" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
