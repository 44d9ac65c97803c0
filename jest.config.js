/** Jest runs TypeScript through @swc/jest, which keeps decorator metadata for type-graphql and MikroORM. */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  // agenda and its backends ship ESM only, which Jest's CommonJS runtime cannot require on Node 20.
  transformIgnorePatterns: ['/node_modules/(?!(agenda|@agendajs)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
  // NOTE: Agenda 6.2.6 leaves a lock-check setTimeout per executed job after stop(), so a
  // test file whose Agenda ran jobs would keep Jest alive until that timer fires.
  forceExit: true,
};
