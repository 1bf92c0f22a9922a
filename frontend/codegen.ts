import type { CodegenConfig } from '@graphql-codegen/cli';
import { existsSync } from 'node:fs';

/**
 * Types for every GraphQL document in src/, generated offline from the checked-in SDL.
 * The repository's schema.graphql is the source of truth; the contract's SDL block
 * (schema.contract.graphql) is only a stand-in for checkouts where it does not exist yet.
 */
const schema = existsSync('../schema.graphql') ? '../schema.graphql' : 'schema.contract.graphql';

const config: CodegenConfig = {
  schema,
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Decimal: 'string', Upload: 'File' },
        strictScalars: true,
      },
    },
  },
};

export default config;
