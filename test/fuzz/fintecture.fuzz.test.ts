import { drivers } from '../../src/testing/index.js';
import { fuzzSuite } from './suite.js';

fuzzSuite(drivers.fintecture);
