// TypeDoc: every public entry, from the source tree (scripts/entries.mjs).
import { entries } from './scripts/entries.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  $schema: 'https://typedoc.org/schema.json',
  name: 'polybank',
  entryPoints: entries().map((entry) => entry.source),
  tsconfig: 'tsconfig.json',
  out: 'docs/api',
  readme: 'README.md',
  projectDocuments: ['docs/providers/*.md'],
  excludePrivate: true,
  excludeInternal: true,
  skipErrorChecking: true,
  disableSources: true,
  sort: ['kind', 'instance-first', 'alphabetical-ignoring-documents'],
  validation: {
    notExported: true,
    invalidLink: true,
    rewrittenLink: true,
    notDocumented: false,
    unusedMergeModuleWith: true,
  },
  intentionallyNotExported: [
    'WithAnswer',
    'src/providers/fintecture/config.ts:ENVIRONMENTS',
    'src/providers/fintecture/config.ts:OptionsSchema',
    'src/providers/fintecture/schemas/model.ts:InputSchema',
    'src/providers/fintecture/schemas/model.ts:RefSchema',
    'src/providers/fintecture/schemas/model.ts:StateSchema',
    'src/providers/fintecture/schemas/model.ts:ProviderFiltersSchema',
    'src/providers/fintecture/actions.ts:fintectureActions',
    'src/providers/powens/webhooks.ts:PAYLOADS',
    'src/providers/powens/webhooks.ts:Modelled',
    'src/providers/powerauth/session.ts:Input',
    'src/providers/powerauth/session.ts:Ref',
    'src/testing/fintecture/driver.ts:FintectureProvider',
    'src/testing/flinks/driver.ts:FlinksProvider',
    'src/testing/powerauth/driver.ts:PowerAuthProvider',
  ],
  treatValidationWarningsAsErrors: true,
  treatWarningsAsErrors: true,
};
