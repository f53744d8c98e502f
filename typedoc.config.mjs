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
    'src/providers/fintecture/model.ts:InputSchema',
    'src/providers/fintecture/model.ts:RefSchema',
    'src/providers/fintecture/model.ts:StateSchema',
    'src/providers/powens/webhooks.ts:PAYLOADS',
    'src/providers/powens/webhooks.ts:Modelled',
    'src/providers/powerauth/model.ts:Input',
    'src/providers/powerauth/model.ts:Ref',
    'src/testing/drivers/fintecture.ts:FintectureProvider',
    'src/testing/drivers/flinks.ts:FlinksProvider',
    'src/testing/drivers/powens.ts:PowensProvider',
    'src/testing/powerauth/driver.ts:PowerAuthProvider',
  ],
  treatValidationWarningsAsErrors: true,
  treatWarningsAsErrors: true,
};
