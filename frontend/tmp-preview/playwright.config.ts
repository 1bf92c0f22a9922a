import base from '../playwright.config';
export default { ...base, testDir: '../e2e', outputDir: '../e2e/.artifacts', globalSetup: './setup.ts' };
