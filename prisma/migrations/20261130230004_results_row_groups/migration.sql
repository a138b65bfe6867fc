-- CreateTable
CREATE TABLE "ResultsRowGroup" (
    "evalRunId" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ResultsRowGroup_pkey" PRIMARY KEY ("evalRunId")
);

-- AddForeignKey
ALTER TABLE "ResultsRowGroup" ADD CONSTRAINT "ResultsRowGroup_evalRunId_fkey" FOREIGN KEY ("evalRunId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
