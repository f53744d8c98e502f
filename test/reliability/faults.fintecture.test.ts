import { drivers } from '../../src/testing/index.js';
import { faultMatrix } from './support/fault-suite.js';

faultMatrix(drivers.fintecture);
