// The console bench's worker runs the examples' workflows: the transfers it leaves waiting for approval.
export * from '../../../examples/workflows';
