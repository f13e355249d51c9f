/** What other features (and their tests) may use of operator accounts. */
export { createOperator } from './operator.service.js';
