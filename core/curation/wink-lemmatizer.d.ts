// Types of wink-lemmatizer 3.x (WordNet-based English lemmatizer; the package ships none).
declare module 'wink-lemmatizer' {
  /** Base form of an English verb ("threw" → "throw"); unknown words come back unchanged. */
  export function verb(word: string): string;
  export function noun(word: string): string;
  export function adjective(word: string): string;
  const lemmatizer: { verb: typeof verb; noun: typeof noun; adjective: typeof adjective };
  export default lemmatizer;
}
