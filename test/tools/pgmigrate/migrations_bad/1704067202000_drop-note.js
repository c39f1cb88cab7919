exports.up = (pgm) => {
  pgm.dropColumn('accounts', 'note');
};
