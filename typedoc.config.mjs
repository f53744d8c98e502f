// TypeDoc: every public entry, from the source tree (scripts/entries.mjs).
import { entries } from './scripts/entries.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  $schema: 'https://typedoc.org/schema.json',
  name: 'polybank',
  entryPoints: entries().map((entry) => entry.source),
  tsconfig: 'tsconfig.json',
  plugin: ['typedoc-plugin-zod', './scripts/typedoc-named-types.mjs'],
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
    notDocumented: true,
    unusedMergeModuleWith: true,
  },
  // Internal types a public one is built on. ActionArgs/ActionResult compute an action's
  // argument and result inside ActionsOf's mapped type, where TypeDoc cannot expand them.
  intentionallyNotExported: [
    'src/core/provider.ts:ActionArgs',
    'src/core/provider.ts:ActionResult',
    'src/providers/fintecture/schemas/model.ts:RefSchema',
    'src/providers/powens/webhooks.ts:PAYLOADS',
    'src/providers/powens/webhooks.ts:Modelled',
    'src/providers/powerauth/model.ts:Ref',
    'src/providers/powerauth/model.ts:ParsedInput',
    'src/testing/fintecture/driver.ts:FintectureProvider',
    'src/testing/flinks/driver.ts:FlinksProvider',
  ],
  treatValidationWarningsAsErrors: true,
  treatWarningsAsErrors: true,
};
