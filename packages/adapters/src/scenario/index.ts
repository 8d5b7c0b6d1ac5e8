/** The seeded workload across the incident window, and the recorded fixture made from it. */
export { generateScenario, merchantName, type GenerateScenarioOptions, type Scenario, type ScenarioStats, type TestModeKessai, type WindowToken } from './generator.js';
export { UnexpectedOutcomeError, apiMethods, type ApiMethod, type OperationCounts } from './api.js';
export { incidentPathCoverage, incidentPaths, missingPaths, type IncidentPath, type PathCoverage, type IncidentSide } from './path-coverage.js';
