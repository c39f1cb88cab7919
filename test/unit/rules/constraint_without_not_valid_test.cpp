// constraint_without_not_valid: CHECK or FOREIGN KEY added without NOT VALID on a large table.
#include "rules/rule_test.hpp"

namespace mg {
namespace {

using namespace rule_test;

Operation add_constraint(char type, TableFacts t = large()) {
  Operation op = op_of(OpKind::AddConstraint, std::move(t));
  op.constraint.type = type;
  return op;
}

TEST(ConstraintWithoutNotValid, Check) {
  Operation op = add_constraint('c');
  op.constraint.name = "amount_positive";
  op.constraint.definition = "CHECK (amount > 0)";
  auto f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::Error);
  EXPECT_CONTAINS(f[0].message, ("adding CHECK constraint \"amount_positive\" without NOT VALID"));
  EXPECT_CONTAINS(f[0].detail, ("ACCESS EXCLUSIVE"));
  EXPECT_CONTAINS(f[0].hint, ("ALTER TABLE public.orders ADD CONSTRAINT amount_positive "
                                   "CHECK (amount > 0) NOT VALID;\n"
                                   "ALTER TABLE public.orders VALIDATE CONSTRAINT "
                                   "amount_positive;"));
  expect_well_formed(f[0], op.table);
}

TEST(ConstraintWithoutNotValid, UnnamedGetsTheServersName) {
  Operation op = add_constraint('c');
  op.constraint.definition = "CHECK (lower(Status) IN ('a', 'b'))";
  auto f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT orders_status_check CHECK"));

  op = add_constraint('f');
  op.constraint.definition = "FOREIGN KEY (customer_id, \"Region\") REFERENCES customers(id, r)";
  f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("ADD CONSTRAINT \"orders_customer_id_Region_fkey\" FOREIGN KEY"));
}

TEST(ConstraintWithoutNotValid, ForeignKeyNamesTheReferencedLock) {
  Operation op = add_constraint('f');
  op.constraint.name = "orders_customer_fk";
  op.constraint.definition = "FOREIGN KEY (customer_id) REFERENCES customers(id)";
  op.constraint.referenced = small("customers");
  op.constraint.referenced_lock = LockMode::ShareRowExclusive;
  auto f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].message, ("adding FOREIGN KEY constraint \"orders_customer_fk\""));
  EXPECT_CONTAINS(f[0].detail, ("SHARE ROW EXCLUSIVE lock on the referenced table "
                                     "\"public.customers\""));
  EXPECT_CONTAINS(f[0].hint, ("FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID;"));
  EXPECT_CONTAINS(f[0].hint, ("ROW SHARE on the referenced table"));

  op.table.kind = 'p';
  f = run(op, "constraint_without_not_valid");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_CONTAINS(f[0].hint, ("cannot add a NOT VALID foreign key to a partitioned table"));
}

TEST(ConstraintWithoutNotValid, Silent) {
  Operation op = add_constraint('c');
  op.constraint.definition = "CHECK (amount > 0)";
  op.constraint.not_valid = true;
  EXPECT_TRUE(run(op, "constraint_without_not_valid").empty());
  op = add_constraint('c', small());
  EXPECT_TRUE(run(op, "constraint_without_not_valid").empty());
  op = add_constraint('f');
  op.table.temporary = true;
  EXPECT_TRUE(run(op, "constraint_without_not_valid").empty());
  EXPECT_TRUE(run(add_constraint('u'), "constraint_without_not_valid").empty());
}

}  // namespace
}  // namespace mg
