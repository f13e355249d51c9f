import { MemoryState } from './memory-state.js';
import { describeTriageStateContract } from './state-contract.js';

describeTriageStateContract('MemoryState', async () => {
  const state = new MemoryState();
  let n = 0;
  return {
    state,
    addDelivery: async (d) => {
      const id = `del-${++n}`;
      state.recordDelivery({ id, ...d });
      return id;
    },
  };
});
