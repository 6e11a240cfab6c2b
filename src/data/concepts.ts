/**
 * Human-readable names for the lab's true features ("concepts"), so a token like `red+fox+river`
 * says which features its activation contains.
 *
 * Sixteen categories of sixteen lowercase words each. Concept i takes word ⌊i / 16⌋ of category
 * i mod 16, so even a small G spans every category. Past the 256 base words a qualifier prefix is
 * added (`old-fox`), and past those a numeric suffix, so any G gets G distinct names.
 */

/** Category names, in the order compound words list their concepts (quantity before colour before noun…). */
export const CATEGORIES = [
  'number',
  'size',
  'colour',
  'material',
  'emotion',
  'person',
  'animal',
  'object',
  'food',
  'action',
  'manner',
  'place',
  'time',
  'weather',
  'sound',
  'idea',
] as const;

// One string per category, in CATEGORIES order; 16 words each, all distinct across categories.
const WORDS = [
  'one two three four five six seven eight nine ten many few half double zero dozen',
  'big small tall short wide thin heavy light long tiny huge flat round sharp soft hard',
  'red blue green yellow black white grey pink purple orange brown gold silver violet teal amber',
  'wood stone iron glass paper cloth clay steel silk wool sand ice rope brick leather copper',
  'happy sad angry calm afraid proud tired brave shy eager bored lonely curious gentle jealous hopeful',
  'child mother father king queen doctor farmer sailor teacher soldier baker singer thief priest guard stranger',
  'cat dog fox horse bird fish bear wolf mouse owl snake frog deer goat bee whale',
  'door window table chair book key cup knife lamp ship wheel bell coin box bag clock',
  'bread apple milk honey cheese rice soup egg salt sugar tea wine meat bean pear cake',
  'run walk eat sleep sing fight build swim fly read write carry open break find hide',
  'quickly slowly quietly loudly together alone again never always often badly kindly softly gladly rarely truly',
  'river forest city house road hill sea garden market castle bridge field village cave tower island',
  'morning night evening winter summer spring autumn today tomorrow yesterday noon midnight dawn dusk week year',
  'rain snow wind storm fog sun cloud thunder frost heat mist hail breeze flood drought rainbow',
  'song whisper shout bark roar knock ring hum echo silence laugh cry crash click buzz drum',
  'love war peace truth luck fear hope power dream memory name secret law price game story',
].map((line) => line.split(' '));

const QUALIFIERS =
  'old new far near wild tame dark bright false true lost first last other odd'.split(' ');

/** Number of categories (and of words per category). */
const C = CATEGORIES.length;
const BASE = C * C;

/** Category index of concept i (the display order of concepts inside a compound word). */
export function conceptCategory(i: number): number {
  return i % C;
}

/** Name of concept i: a base word, then `qualifier-word`, then `word#n`, all distinct. */
export function conceptName(i: number): string {
  const word = WORDS[i % C][Math.floor(i / C) % C];
  const round = Math.floor(i / BASE);
  if (round === 0) return word;
  if (round <= QUALIFIERS.length) return `${QUALIFIERS[round - 1]}-${word}`;
  return `${word}#${round - QUALIFIERS.length}`;
}

/** Names of concepts 0…G−1. */
export function conceptNames(G: number): string[] {
  return Array.from({ length: G }, (_, i) => conceptName(i));
}
