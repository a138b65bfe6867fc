-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "trainedOnBenchmarks" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "benchmarks" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'train';

-- DREAM-1K, seeded before this column existed, is an evaluation benchmark.
UPDATE "Dataset" SET "kind" = 'benchmark', "benchmarks" = ARRAY['dream-1k'] WHERE "name" = 'dream-1k';
