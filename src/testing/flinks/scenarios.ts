/**
 * The Flinks sandbox as the simulator plays it: FlinksCapital's documented users
 * (research notes §7) and one scenario per bank case of the seed
 * (flinks-legacy-authorize-and-mfa-types.txt, cases 1–7). The SecurityChallenges are
 * the seed's, verbatim (including its literal "..." options).
 */
import { LAURENTIENNE_IMAGES } from './images.js';
import { own } from './wire.js';

/** One SecurityChallenges entry, as Flinks sends it. */
export interface SimChallenge {
  /** Flinks' challenge type (`QuestionAndAnswer`, `ImageSelection`, `TextOrCall`, …). */
  Type: string;
  /** The prompt text: also the key its answer is sent under. */
  Prompt: string;
  /** The offered values (choices, images, phone numbers). */
  Iterables?: string[];
}

/** A step of a scenario: a named case of the seed, or scripted challenges. */
export type SimStep =
  | 'flinksQuestion'
  | 'triple'
  | 'pickThree'
  | 'cityQuestion'
  | 'countryQuestion'
  | 'image'
  | 'securid'
  | 'scotiaChoices'
  | 'singleChoice'
  | 'multipleChoice'
  | 'textOrCall'
  | 'code'
  | 'device'
  | SimChallenge[];

/** How one simulated institution behaves: its MFA steps, failures and data delays. */
export interface SimScenario {
  /** The institution name as Flinks writes it (matched case-insensitively). */
  institution: string;
  /** MFA steps of a new link (live mode with credentials), in order. */
  steps: SimStep[];
  /** MFA steps of a live refresh by LoginId (`MostRecentCached: false`); default none (answers saved). */
  refresh?: SimStep[];
  /** /Authorize fails at once with this. */
  fail?: {
    /** The HTTP status. */
    status: number;
    /** The FlinksCode. */
    code: string;
    /** The message. */
    message: string;
  };
  /** Data endpoints answer 202 first (test_pending, test_dispatched). */
  data?: 'OPERATION_PENDING' | 'OPERATION_DISPATCHED';
  /** `Login.Type` (omitted when undefined, as in the seed's TD and RBC responses). */
  loginType?: 'Personal' | 'Business' | null;
}

/** The password of every FlinksCapital sandbox user. */
export const SANDBOX_PASSWORD = 'Everyday';
/** The documented LoginId of Greatday at FlinksCapital: cached mode works on it at once. */
export const GREATDAY_LOGIN_ID = '5e115eac-1209-4f19-641c-08d6d484e2fe';

export const INSTITUTIONS: Readonly<Record<string, { name: string; id?: number }>> = {
  flinkscapital: { name: 'FlinksCapital', id: 14 },
  rbc: { name: 'RBC' },
  laurentienne: { name: 'Laurentienne' },
  national: { name: 'National' },
  scotia: { name: 'Scotia' },
  td: { name: 'TD' },
};

/** A known institution by name, any case. */
export function institutionOf(name: string): { name: string; id?: number } | undefined {
  return own(INSTITUTIONS, name.toLowerCase());
}

/** Sandbox users: `${institution}/${username}`, both lower case. Password `Everyday` for all. */
export function defaultScenarios(): Record<string, SimScenario> {
  return {
    'flinkscapital/greatday': { institution: 'FlinksCapital', steps: ['flinksQuestion'], loginType: 'Personal' },
    'flinkscapital/greatday_nomfa': { institution: 'FlinksCapital', steps: [], loginType: 'Personal' },
    'flinkscapital/test_disabled_account': {
      institution: 'FlinksCapital',
      steps: [],
      fail: { status: 401, code: 'DISABLED_LOGIN', message: 'This account has been disabled by the financial institution' },
    },
    'flinkscapital/test_service_unavailable': {
      institution: 'FlinksCapital',
      steps: [],
      fail: { status: 401, code: 'RETRY_LATER', message: 'Unable to open a connection with the financial institution, please retry later' },
    },
    'flinkscapital/test_dispatched': { institution: 'FlinksCapital', steps: ['flinksQuestion'], data: 'OPERATION_DISPATCHED', loginType: 'Personal' },
    'flinkscapital/test_pending': { institution: 'FlinksCapital', steps: ['flinksQuestion'], data: 'OPERATION_PENDING', loginType: 'Personal' },
    // Case 1: three questions answered in one call.
    'rbc/rbc_triple': { institution: 'RBC', steps: ['triple'] },
    // Cases 1 then 2: answer the three questions, then pick three new ones and answer them.
    'rbc/rbc_reset': { institution: 'RBC', steps: ['triple', 'pickThree'] },
    // Case 7: approve on the trusted device, also on every live refresh.
    'rbc/rbc_device': { institution: 'RBC', steps: ['device'], refresh: ['device'] },
    // Case 3: a security question, then the personal image among 16.
    'laurentienne/laurentienne_image': { institution: 'Laurentienne', steps: ['cityQuestion', 'image'] },
    // Case 4: SecurID (6 digits), then a regular question; SecurID again on refresh (no nightly refresh).
    'national/national_securid': { institution: 'National', steps: ['securid', 'countryQuestion'], refresh: ['securid'] },
    // Case 5: personal multiple-choice questions (one 203), then choosing new questions.
    'scotia/scotia_reset': { institution: 'Scotia', steps: ['scotiaChoices', 'pickThree'] },
    // Case 5, one prompt per 203: MultipleChoice, then MultipleChoiceMultipleAnswers.
    'scotia/scotia_choice': { institution: 'Scotia', steps: ['singleChoice', 'multipleChoice'] },
    // Case 6: choose a phone number and Text or Call, then the code; again on refresh.
    'td/td_2step': { institution: 'TD', steps: ['textOrCall', 'code'], refresh: ['textOrCall', 'code'] },
  };
}

const PICK_LIST = ['What is the name of my mother', 'What is the name of my dog', '...'];
const CHOOSE_ONE = 'Choose one of the following:';
const PURCHASES = 'What purchases did you make over the last 10 days?';

/** The SecurityChallenges of a step. */
export function challengesOf(step: SimStep, flinksQuestion: string): SimChallenge[] {
  if (Array.isArray(step)) return step.map((c) => ({ ...c, ...(c.Iterables ? { Iterables: [...c.Iterables] } : {}) }));
  switch (step) {
    case 'flinksQuestion':
      return [{ Type: 'QuestionAndAnswer', Prompt: flinksQuestion }];
    case 'triple':
      return [
        { Type: 'QuestionAndAnswer', Prompt: 'What is the name of your mother' },
        { Type: 'QuestionAndAnswer', Prompt: 'What is the name of your father' },
        { Type: 'QuestionAndAnswer', Prompt: 'What is the name of your dog' },
      ];
    case 'pickThree':
      return [1, 2, 3].map((n) => ({ Type: 'QuestionAndAnswer', Prompt: `Personal Verification Question ${n}`, Iterables: [...PICK_LIST] }));
    case 'cityQuestion':
      return [{ Type: 'QuestionAndAnswer', Prompt: 'What city were you born in?' }];
    case 'countryQuestion':
      return [{ Type: 'QuestionAndAnswer', Prompt: 'What is the best country on earth?' }];
    case 'image':
      return [{ Type: 'ImageSelection', Prompt: 'Select an image', Iterables: [...LAURENTIENNE_IMAGES] }];
    case 'securid':
      return [{ Type: 'QuestionAndAnswer', Prompt: 'Enter your SecurID' }];
    case 'scotiaChoices':
      return [
        { Type: 'MultipleChoice', Prompt: CHOOSE_ONE, Iterables: ['Something', 'Something else', '...', 'None of the above'] },
        { Type: 'MultipleChoiceMultipleAnswers', Prompt: PURCHASES, Iterables: ['Purchase 1: $10.35', 'Purchase 2: $73.42', 'Purchase 3: $143.86', '...', 'None of the above'] },
      ];
    case 'singleChoice':
      return [{ Type: 'MultipleChoice', Prompt: CHOOSE_ONE, Iterables: ['Something', 'Something else', '...', 'None of the above'] }];
    case 'multipleChoice':
      return [{ Type: 'MultipleChoiceMultipleAnswers', Prompt: PURCHASES, Iterables: ['Purchase 1: $10.35', 'Purchase 2: $73.42', 'Purchase 3: $143.86', '...', 'None of the above'] }];
    case 'textOrCall':
      return [{ Type: 'TextOrCall', Prompt: 'Choose a phone number', Iterables: ['PhoneNumber #1', 'PhoneNumber #2', 'PhoneNumber #3'] }];
    case 'code':
      return [{ Type: 'QuestionAndAnswer', Prompt: 'Enter the security code' }];
    case 'device':
      return [{ Type: 'WaitUntilEUAccept', Prompt: 'Please verify your identity on your trusted device' }];
  }
}

/** The documented sandbox answers (research notes §7) and the seed's. Matched case-insensitively. */
export function defaultAnswers(): Record<string, string> {
  return {
    'What city were you born in?': 'Montreal',
    'What is the best country on earth?': 'Canada',
    'What shape do people like most?': 'Triangle',
    'What is the name of your mother': 'Louise',
    'What is the name of your father': 'Paul',
    'What is the name of your dog': 'Wouf',
  };
}

/** Expected picks of the multiple-choice prompts (seed, case 5 "Step 2 Response"). */
export function defaultChoices(): Record<string, string[]> {
  return {
    [CHOOSE_ONE]: ['None of the above'],
    [PURCHASES]: ['Purchase 1: $10.35', 'Purchase 3: $143.86'],
  };
}
