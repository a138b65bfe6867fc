/**
 * VDC, VDCSCORE: the two judge prompts per question (reproduced character for character, with
 * their system messages) and the aggregation. Pure: no I/O.
 *
 * Sources: rese1f/aurora `post_eval/process_vdc_result.py` @ 2bf68d5 (`gener_pred_response`,
 * `gener_pred_score`, the main loop) and `src/lmms-eval/lmms_eval/tasks/vdc/utils.py` (the same
 * prompts, `llm_eval`). Both generate with `max_tokens=256`.
 *
 * Per QA: answer the question from the predicted caption only, then judge the predicted answer
 * against the correct one → {pred: yes|no, score: 0–5}. Per clip: accuracy = share of "yes",
 * score = mean score. Dataset: means over clips — every scored clip counts (the metric as defined).
 * Reported beside it, labelled, what process_vdc_result.py prints: it keeps a clip only when its
 * accuracy and score are both non-zero (`if tp_score and tp_acc`), which raises the result.
 * A clip whose judge replies stay invalid after the retries is failed (counted, excluded); the
 * official script drops it silently (and lmms-eval's variant crashes).
 */
import { mean } from './autodq';

export const VDC_QA_SETS = ['detailed', 'main_object'] as const;
export type VdcQaSet = (typeof VDC_QA_SETS)[number];

export const VDC_PROMPT_VERSION = 'vdcscore@2bf68d5';
/** Completion budget of both VDCSCORE generations (`gen("answer_1", max_tokens=256)`). */
export const VDC_MAX_TOKENS = 256;

export const VDC_ANSWER_SYSTEM =
  'You are an intelligent chatbot designed for providing accurate answers to questions related to the content based on a detailed description of a video or image.' +
  "Here's how you can accomplish the task:" +
  '------' +
  '##INSTRUCTIONS: ' +
  '- Read the detailed description carefully.\n' +
  '- Answer the question only based on the detailed description.\n' +
  '- The answer should be a short sentence or phrase.\n';

export const VDC_SCORE_SYSTEM =
  'You are an intelligent chatbot designed for evaluating the correctness of generative outputs for question-answer pairs. ' +
  "Your task is to compare the predicted answer with the correct answer and determine if they match meaningfully. Here's how you can accomplish the task:" +
  '------' +
  '##INSTRUCTIONS: ' +
  '- Focus on the meaningful match between the predicted answer and the correct answer.\n' +
  '- Consider synonyms or paraphrases as valid matches.\n' +
  '- Evaluate the correctness of the prediction compared to the answer.';

export interface VdcJudgeRequest {
  system: string;
  user: string;
  maxTokens: number;
}

/** `gener_pred_response(pred_cap, q)`: note the official prompt has no space before "DO NOT". */
export function buildVdcAnswerRequest(caption: string, question: string): VdcJudgeRequest {
  return {
    system: VDC_ANSWER_SYSTEM,
    user:
      'Please provide accurate answers to questions related to the content based on a detailed description of a video or image:\n\n' +
      `detailed description: ${caption}, question: ${question}` +
      'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide short but accurate answer.',
    maxTokens: VDC_MAX_TOKENS,
  };
}

/** `gener_pred_score(qa)` for a question, its correct answer and the predicted answer. */
export function buildVdcScoreRequest(question: string, answer: string, predictedAnswer: string): VdcJudgeRequest {
  return {
    system: VDC_SCORE_SYSTEM,
    user:
      'Please evaluate the following video-based question-answer pair:\n\n' +
      `Question: ${question}\n` +
      `Correct Answer: ${answer}\n` +
      `Predicted Answer: ${predictedAnswer}\n\n` +
      'Provide your evaluation only as a yes/no and score where the score is an integer value between 0 and 5, with 5 indicating the highest meaningful match. ' +
      "Please generate the response in the form of a Python dictionary string with keys 'pred' and 'score', where value of 'pred' is  a string of 'yes' or 'no' and value of 'score' is in INTEGER, not STRING." +
      'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python dictionary string. ' +
      "For example, your response should look like this: {'pred': 'yes', 'score': 4.8}.",
    maxTokens: VDC_MAX_TOKENS,
  };
}

/** Markers the offline lexical judge uses to recognise and read the two prompts (user message). */
export const VDC_PROMPT_MARKERS = {
  answerHead: 'Please provide accurate answers to questions related to the content based on a detailed description of a video or image:\n\n',
  captionStart: 'detailed description: ',
  questionStart: ', question: ',
  answerTail: 'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide short but accurate answer.',
  scoreHead: 'Please evaluate the following video-based question-answer pair:\n\n',
  questionLine: 'Question: ',
  correctLine: '\nCorrect Answer: ',
  predictedLine: '\nPredicted Answer: ',
  scoreTail: '\n\nProvide your evaluation only as a yes/no and score',
} as const;

export interface VdcQaVerdict {
  pred: 'yes' | 'no';
  score: number;
}

export interface VdcClipScore {
  /** Share of questions judged "yes", in [0, 1]. */
  accuracy: number;
  /** Mean score, in [0, 5]. */
  score: number;
  correct: number;
  questions: number;
}

/** Per-clip accuracy and score (official step 4). Throws on a clip without questions. */
export function vdcClipScore(verdicts: readonly VdcQaVerdict[]): VdcClipScore {
  if (verdicts.length === 0) throw new RangeError('vdcClipScore: a clip needs at least one question');
  const correct = verdicts.filter((v) => v.pred === 'yes').length;
  return { accuracy: correct / verdicts.length, score: (mean(verdicts.map((v) => v.score)) as number), correct, questions: verdicts.length };
}

export interface VdcSummary {
  /** Mean clip accuracy over every scored clip, [0, 1]; null when none. */
  accuracy: number | null;
  /** Mean clip score over every scored clip, [0, 5]. */
  score: number | null;
  clips: number;
  failed: number;
  /** What rese1f/aurora post_eval/process_vdc_result.py prints: clips with accuracy 0 or score 0 dropped. */
  officialScript: { accuracy: number | null; score: number | null; clips: number; dropped: number };
}

export function aggregateVdc(clips: readonly Pick<VdcClipScore, 'accuracy' | 'score'>[], failed = 0): VdcSummary {
  const kept = clips.filter((c) => c.accuracy !== 0 && c.score !== 0);
  return {
    accuracy: mean(clips.map((c) => c.accuracy)),
    score: mean(clips.map((c) => c.score)),
    clips: clips.length,
    failed,
    officialScript: {
      accuracy: mean(kept.map((c) => c.accuracy)),
      score: mean(kept.map((c) => c.score)),
      clips: kept.length,
      dropped: clips.length - kept.length,
    },
  };
}
