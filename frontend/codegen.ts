import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types for every GraphQL document in src/, generated offline from the repository's
 * checked-in schema.graphql (the source of truth; no server is contacted).
 */
const config: CodegenConfig = {
  schema: '../schema.graphql',
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
    // Apollo's cache needs each union's members to match fragments on it (RoomEvent grows).
    './src/gql/possibleTypes.ts': {
      plugins: ['fragment-matcher'],
    },
  },
};

export default config;
